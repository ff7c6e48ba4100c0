"""Face swappers: put an actor's face on the stand-in in a picture or footage."""

FACE_ENGINE_VERSION = 1  # bump when the swap's pixels change
