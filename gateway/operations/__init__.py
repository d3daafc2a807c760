"""Resolvers, one module per group of upstream operations."""
