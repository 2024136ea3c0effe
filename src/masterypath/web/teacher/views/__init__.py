"""Teacher pages under /teach/, one module per task: the gradebook, assessments and their
scoring grid, exit tickets, observations, student work, score imports, and corrections.

Views stay thin: guards in evidence.access / roster.access / continuum.access decide
visibility (404 otherwise), services write, selectors read, view models in web.teacher build
what a page shows.
"""
