"""Output formats: unified diff, JSON."""
