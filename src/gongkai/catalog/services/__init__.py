"""Services for the disclosure catalogues: compiling a body's catalogue (``catalogues``) and moving
catalogue tables in and out as XLSX (``transfer``). Each checks its ``can_*`` rule, validates,
changes state in one transaction and writes one audit entry (docs/architecture.md)."""
