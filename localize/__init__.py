"""Listing localization: translate listing text, caption images, review, publish."""
