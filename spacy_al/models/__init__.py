"""thinc/torch model builders: TransformerTagger, Tok2VecTagger."""
