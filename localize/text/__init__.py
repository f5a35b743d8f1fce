"""Listing text: engines, translation memory, glossary protection, HTML, checks."""
