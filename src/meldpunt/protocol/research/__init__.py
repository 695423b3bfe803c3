"""Bronnenonderzoek (step 3, ADR 0015): the source requests and hits (models), the services
(request, PC1, hit/no-hit, details), the reads (selectors), forms and pages (views). Nothing is
imported here: protocol/models.py loads research.models while the app registry starts."""
