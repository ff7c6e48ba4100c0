"""Music sources for score cues."""
