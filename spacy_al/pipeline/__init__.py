"""spaCy components of spacy-al: ``al_ner`` (tagger NER) and ``al_scorer``."""
