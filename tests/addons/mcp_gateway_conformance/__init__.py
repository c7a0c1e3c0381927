from . import fixtures
