"""Flexible groups a teacher saves for a section: named sets of the section's students, often
from the dashboard's suggestions (students sharing a next target or a gap to grade level)."""
