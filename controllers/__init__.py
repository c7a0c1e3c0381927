from . import main, oauth
