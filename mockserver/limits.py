"""Request size limits: larger queries get HTTP 414 and larger bodies HTTP 413."""

MAX_BODY_BYTES = 64 * 1024
MAX_QUERY_BYTES = 64 * 1024
