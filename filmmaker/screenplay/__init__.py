"""The screenplay: a pure data model and the YAML loader that fills it."""

from filmmaker.screenplay.load import load_screenplay, parse_screenplay
from filmmaker.screenplay.model import Screenplay

__all__ = ["Screenplay", "load_screenplay", "parse_screenplay"]
