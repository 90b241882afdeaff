"""Regions, programs, categories and interface types: what a report is filed against."""
