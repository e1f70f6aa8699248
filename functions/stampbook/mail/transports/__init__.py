"""Ways a finished message leaves: an outbox folder, an SMTP server, Amazon SES v2."""
