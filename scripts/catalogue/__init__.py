"""The evidence catalogue core: records in, Markdown pages and files out.

Nothing here imports MkDocs; `scripts/hooks/catalogue.py` wires it into a build.
"""
