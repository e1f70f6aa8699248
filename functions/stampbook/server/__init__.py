"""`stampbook serve`: the site and the API on one origin on this machine."""
