"""Tests of the sandbox upstream."""
