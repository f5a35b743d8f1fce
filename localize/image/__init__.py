"""Captions on product images: fonts, fitting, rendering, safe input and output."""
