"""Keeping the survey current: discovery, screening, PRISMA counts, pull-request review aids."""
