"""Shared normalisers, used by every parser and never written twice.

- :mod:`.text`: whitespace, HTML, truncation;
- :mod:`.names`: person names (inverted, doubled, particles);
- :mod:`.dates`: ISO 8601 at the source's precision, localised month names, two-digit years;
- :mod:`.identifiers`: DOI, ISSN (checksum), ORCID, ISBN;
- :mod:`.languages`: names and ISO 639 codes to BCP 47;
- :mod:`.access`: access wordings in seven languages to COAR statuses.
"""
