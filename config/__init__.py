"""Configuration: the shops file schema and loader, market facts, the shared CLI plumbing."""
