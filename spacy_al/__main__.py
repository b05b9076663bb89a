from spacy_al.cli import app

if __name__ == "__main__":
    app()
