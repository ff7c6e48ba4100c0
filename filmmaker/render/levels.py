"""The film's sample rate and level targets, in one numpy-free place: the graph keys on them
without loading numerics (a rebuild that changes nothing imports no numpy)."""

RATE = 48_000
DIALOGUE_LUFS = -20.0  # each line, before the mix
PROGRAM_LUFS = -16.0  # the finished film (web delivery)
PEAK_DBFS = -1.0  # a line's true-peak ceiling
# The mix's true-peak ceiling sits 0.5 dB under the -1 dBTP delivery limit: the AAC encoder's
# own overshoot (measured here at 0.1-0.3 dB on speech over music) must not carry the film past it.
PROGRAM_PEAK_DB = -1.5
