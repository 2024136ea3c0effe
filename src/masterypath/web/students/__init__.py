"""Student pages: a student's record (for who may see it), and a student's own exit tickets
and uploads under /me/."""
