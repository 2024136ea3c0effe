"""Interventions (MTSS): a strategy catalogue, interventions with goals, sessions and progress
checks, tiers per student and domain, root-cause records and improvement cycles."""
