"""A student's own pages under /me/: exit tickets to rate, work to upload."""
