"""Email: rendering, signed links, message building and transports."""
