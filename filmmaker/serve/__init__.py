"""The screening room: `filmmaker serve` runs a page on this machine where the cut plays, every shot
shows what it is made of and whether it is up to date, and casting is a click (app.py routes it,
project.py keeps the film's state, jobs.py runs one build at a time, events.py streams progress)."""
