"""Tests of the spacy-al commands that span layers: train."""
