"""Administration of regions, programs and categories."""
