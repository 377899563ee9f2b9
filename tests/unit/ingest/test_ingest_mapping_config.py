"""Every mapping and lookup key of the feeds configuration is checked before any data is read, naming the key."""

from datetime import date
from pathlib import Path

import pytest

from assets.ingest.config import FeedConfigError, load_config

SIGNUPS = "feeds:\n  purchases: {}\n  signups:\n"
SURVEYS = "feeds:\n  purchases: {}\n  surveys:\n    columns: {customer_id: ID, submitted_at: Timestamp}\n"
BAD_CONFIGS = {
    "alternative names that are not names": (
        "feeds:\n  purchases:\n    columns: {order_id: [1, 2], customer_id: c, ordered_at: d, unit_price: u}\n",
        "feeds.purchases.columns.order_id: a list of alternative header names must hold names (text)",
    ),
    "an empty list of alternative names": (
        "feeds:\n  purchases:\n    columns: {order_id: [], customer_id: c, ordered_at: d, unit_price: u}\n",
        "feeds.purchases.columns.order_id: a list of alternative header names must hold names",
    ),
    "derive as a list": (
        SIGNUPS + "    derive: [birth_date]\n",
        "feeds.signups.derive: must be a mapping",
    ),
    "derive of an unknown field": (
        SIGNUPS + "    derive: {birthday: 'make_date(1970, 1, 1)'}\n",
        "feeds.signups.derive.birthday: unknown field; valid fields are",
    ),
    "derive of a field also in columns": (
        SIGNUPS + "    columns: {customer_id: ID, signed_up_at: Date, children: Kids}\n"
        '    derive: {children: \'"Kidhome" + "Teenhome"\'}\n',
        "feeds.signups.derive.children: the field is also mapped in columns",
    ),
    "derive as a number": (
        SIGNUPS + "    derive: {children: 3}\n",
        "feeds.signups.derive.children: must be a DuckDB SQL expression over the file's columns",
    ),
    "derive with a syntax error": (
        SIGNUPS + "    derive: {birth_date: 'make_date(cast(\"Year_Birth\" as integer), 7'}\n",
        "feeds.signups.derive.birth_date: not a valid DuckDB expression over the file's columns (Parser Error",
    ),
    "derive with an unknown function": (
        SIGNUPS + "    derive: {birth_date: 'make_birthday(\"Year_Birth\")'}\n",
        "feeds.signups.derive.birth_date: not a valid DuckDB expression",
    ),
    "derive with an unquoted column": (
        SIGNUPS + "    derive: {children: Kidhome + Teenhome}\n",
        "write column names in double quotes",
    ),
    "derive with two statements": (
        SIGNUPS + "    derive: {children: '1) from t; select (2'}\n",
        "feeds.signups.derive.children: must be one expression, not several statements",
    ),
    "values as a list": (
        SIGNUPS + "    values: [education]\n",
        "feeds.signups.values: must be a mapping",
    ),
    "values of an unknown field": (
        SIGNUPS + "    values: {schooling: {PhD: doctorate}}\n",
        "feeds.signups.values.schooling: unknown field; valid fields are",
    ),
    "a value map on a contact field": (
        SIGNUPS + "    values: {email: {a@b.c: x@y.z}}\n",
        "feeds.signups.values.email: contact details cannot have a value map",
    ),
    "a value map that is a string": (
        SIGNUPS + "    values: {education: bachelor}\n",
        "feeds.signups.values.education: must map the file's values to the pipeline's",
    ),
    "a value map with an unquoted yes": (
        SIGNUPS + "    values: {opt_in_offer: {Yes: accepted}}\n",
        "feeds.signups.values.opt_in_offer.True: YAML reads unquoted yes/no/on/off/true/false as true or false",
    ),
    "a value map with an empty value": (
        SIGNUPS + "    values: {education: {PhD: }}\n",
        "feeds.signups.values.education.PhD: file value and pipeline value must be text or numbers",
    ),
    "a value map with a value twice": (
        SIGNUPS + "    values: {education: {PhD: doctorate, phd: master}}\n",
        "feeds.signups.values.education.phd: 'phd' and 'PhD' are the same value",
    ),
    "unpivot as a list": (
        SURVEYS + "    unpivot: [Q1, Q2]\n",
        "feeds.surveys.unpivot: must be a mapping like {columns: [Q1, Q2], name: question_id, value: answer}",
    ),
    "unpivot with an unknown key": (
        SURVEYS + "    unpivot: {columns: [Q1], name: question_id, value: answer, skip_empty: true}\n",
        "feeds.surveys.unpivot.skip_empty: unknown key; valid keys are columns, name, value",
    ),
    "unpivot without a name field": (
        SURVEYS + "    unpivot: {columns: [Q1], value: answer}\n",
        "feeds.surveys.unpivot.name: missing",
    ),
    "unpivot into an unknown field": (
        SURVEYS + "    unpivot: {columns: [Q1], name: question, value: answer}\n",
        "feeds.surveys.unpivot.name: 'question' is not a field of the feed; valid fields are",
    ),
    "unpivot into a field also in columns": (
        SURVEYS + "    unpivot: {columns: [Q1], name: customer_id, value: answer}\n",
        "feeds.surveys.unpivot.name: the field customer_id is also mapped in columns or derive",
    ),
    "unpivot into one field twice": (
        SURVEYS + "    unpivot: {columns: [Q1], name: answer, value: answer}\n",
        "feeds.surveys.unpivot.value: must be another field than name (answer)",
    ),
    "unpivot columns as a number": (
        SURVEYS + "    unpivot: {columns: 3, name: question_id, value: answer}\n",
        "feeds.surveys.unpivot.columns: must be a list of the file's columns, a mapping {column: name} or a glob",
    ),
    "unpivot columns listed twice": (
        SURVEYS + "    unpivot: {columns: [Q1, Q1], name: question_id, value: answer}\n",
        "feeds.surveys.unpivot.columns: a column is listed twice",
    ),
    "unpivot column mapped to nothing": (
        SURVEYS + "    unpivot: {columns: {Q1: }, name: question_id, value: answer}\n",
        "feeds.surveys.unpivot.columns.Q1: must be the name to record for the column",
    ),
    "a required field neither mapped nor derived": (
        "feeds:\n  purchases:\n    columns: {order_id: o, ordered_at: d}\n"
        '    derive: {line_amount: \'"Quantity" * "UnitPrice"\'}\n',
        "feeds.purchases.columns: required field(s) customer_id are neither mapped",
    ),
    "a feed currency that is no ISO code": (
        "feeds:\n  purchases:\n    currency: pounds\n",
        "feeds.purchases.currency: must be an ISO 4217 currency code such as USD, EUR or GBP, got 'pounds'",
    ),
    "a reporting currency that is no ISO code": (
        "reporting_currency: EURO\nfeeds:\n  purchases: {}\n",
        "reporting_currency: must be an ISO 4217 currency code",
    ),
    "currency rates that are no file": (
        "currency_rates: rates.csv\nfeeds:\n  purchases: {}\n",
        "currency_rates: no such file",
    ),
    "currency rates as a list": (
        "currency_rates: [rates.csv]\nfeeds:\n  purchases: {}\n",
        "currency_rates: must be the path of a file (relative to the configuration)",
    ),
    "vocabularies that are no file": (
        "vocabularies: words.yaml\nfeeds:\n  purchases: {}\n",
        "vocabularies: no such file",
    ),
    "a survey codebook that is no file": (
        "survey_codebook: codebook.csv\nfeeds:\n  purchases: {}\n",
        "survey_codebook: no such file",
    ),
}


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS.values(), ids=BAD_CONFIGS.keys())
def test_a_bad_mapping_names_the_key_and_what_would_be_valid(tmp_path: Path, text: str, message: str):
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FeedConfigError) as error:
        load_config(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


BAD_FILES = {
    "a rate that is no number": (
        "currency_rates",
        "rates.csv",
        "currency,rate\nEUR,1.1\nGBP,one\n",
        "currency_rates: {file} line 3, rate: must be a number above 0",
    ),
    "a rate of 0": ("currency_rates", "rates.csv", "currency,rate\nEUR,0\n", "line 2, rate: must be a number above 0"),
    "a rate for an unknown currency": (
        "currency_rates",
        "rates.csv",
        "currency,rate\nEUX,1.1\n",
        "currency_rates: {file} line 2, currency: 'EUX' is not an ISO 4217 currency code",
    ),
    "a rate file without a rate column": (
        "currency_rates",
        "rates.csv",
        "currency,to_usd\nEUR,1.1\n",
        "currency_rates: {file}: missing column(s) rate",
    ),
    "a rate with a bad date": (
        "currency_rates",
        "rates.csv",
        "currency,rate,valid_from\nEUR,1.1,01/02/2024\n",
        "line 2, valid_from: must be a date YYYY-MM-DD, got '01/02/2024'",
    ),
    "a currency twice from the same date": (
        "currency_rates",
        "rates.csv",
        "currency,rate,valid_from\nEUR,1.1,2024-01-01\nEUR,1.2,2024-01-01\n",
        "line 3: EUR from 2024-01-01 is also on line 2",
    ),
    "a codebook without a dimension column": (
        "survey_codebook",
        "codebook.csv",
        "question_id,survey_id,question_text,answer_type,scale_min,scale_max,is_reverse_scored\n",
        "survey_codebook: {file}: missing column(s) dimension",
    ),
    "a codebook question twice": (
        "survey_codebook",
        "codebook.csv",
        "question_id,survey_id,dimension,question_text,answer_type,scale_min,scale_max,is_reverse_scored\n"
        "Q1,s,price,Cheap?,likert,1,5,false\nQ1,s,price,Cheap!,likert,1,5,false\n",
        "survey_codebook: {file} line 3, question_id: 'Q1' is also on line 2",
    ),
    "a codebook with an unknown answer type": (
        "survey_codebook",
        "codebook.csv",
        "question_id,survey_id,dimension,question_text,answer_type,scale_min,scale_max,is_reverse_scored\n"
        "Q1,s,price,Cheap?,scale,1,5,false\n",
        "line 2, answer_type: must be one of likert, category, got 'scale'",
    ),
    "a codebook scale upside down": (
        "survey_codebook",
        "codebook.csv",
        "question_id,survey_id,dimension,question_text,answer_type,scale_min,scale_max,is_reverse_scored\n"
        "Q1,s,price,Cheap?,likert,5,1,false\n",
        "line 2, scale_max: must be above scale_min (5), got 1",
    ),
    "a codebook dimension with spaces": (
        "survey_codebook",
        "codebook.csv",
        "question_id,survey_id,dimension,question_text,answer_type,scale_min,scale_max,is_reverse_scored\n"
        "Q1,s,Price Focus,Cheap?,likert,1,5,false\n",
        "line 2, dimension: 'Price Focus' must be lower case letters, digits and _",
    ),
    "a codebook reverse flag in words": (
        "survey_codebook",
        "codebook.csv",
        "question_id,survey_id,dimension,question_text,answer_type,scale_min,scale_max,is_reverse_scored\n"
        "Q1,s,price,Cheap?,likert,1,5,reversed\n",
        "line 2, is_reverse_scored: must be true or false, got 'reversed'",
    ),
    "vocabularies with an unknown key": (
        "vocabularies",
        "words.yaml",
        "genders: {m: male}\n",
        "vocabularies: {file}: genders: unknown key; valid keys are education_levels, urbanicities, psychographic",
    ),
    "vocabularies with an education label that is no text": (
        "vocabularies",
        "words.yaml",
        "education_levels: {graduation: [bachelor]}\n",
        "education_levels.graduation: expected text",
    ),
    "vocabularies with psychographic groups as a list": (
        "vocabularies",
        "words.yaml",
        "psychographic: {groups: [thrift]}\n",
        "psychographic.groups: expected a mapping",
    ),
}


@pytest.mark.parametrize(("key", "name", "content", "message"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_lookup_file_names_the_key_file_line_and_column(
    tmp_path: Path, key: str, name: str, content: str, message: str
):
    (tmp_path / name).write_text(content, encoding="utf-8")
    path = tmp_path / "feeds.yaml"
    path.write_text(f"{key}: {name}\nfeeds:\n  purchases: {{}}\n", encoding="utf-8")
    with pytest.raises(FeedConfigError) as error:
        load_config(path)
    assert message.format(file=tmp_path / name) in str(error.value)


def test_mapping_keys_and_lookups_load_with_their_settings(tmp_path: Path):
    (tmp_path / "rates.csv").write_text("currency,rate,valid_from\nEUR,0.85,\nUSD,0.79,2024-01-01\n", encoding="utf-8")
    (tmp_path / "words.yaml").write_text("education_levels: {Graduation: Bachelor's degree}\n", encoding="utf-8")
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "reporting_currency: gbp\n"
        "currency_rates: rates.csv\n"
        "vocabularies: words.yaml\n"
        "feeds:\n"
        "  purchases:\n"
        "    columns: {order_id: [InvoiceNo, Invoice], customer_id: [CustomerID, Customer ID], ordered_at: Date,"
        " quantity: Quantity}\n"
        '    derive: {line_amount: \'"Quantity" * "UnitPrice"\'}\n'
        "    currency: gbp\n"
        "  surveys:\n"
        "    columns: {customer_id: ID, submitted_at: Timestamp}\n"
        "    constants: {survey_id: values}\n"
        "    derive: {response_id: '\"ID\" || ''-'' || \"_source_row\"'}\n"
        "    unpivot: {columns: {'I compare prices': Q05, 'I wait for sales': Q06}, name: question_id, value: answer}\n"
        "    values: {answer: {Strongly disagree: 1, Strongly agree: 5}}\n",
        encoding="utf-8",
    )
    config = load_config(path)
    purchases, surveys = config.source("purchases"), config.source("surveys")
    assert purchases is not None and surveys is not None
    assert purchases.columns["order_id"] == ("InvoiceNo", "Invoice")
    assert purchases.mapping.currency == "GBP"
    assert surveys.mapping.unpivot is not None
    assert surveys.mapping.unpivot.columns == {"I compare prices": "Q05", "I wait for sales": "Q06"}
    assert surveys.mapping.values == {"answer": {"Strongly disagree": "1", "Strongly agree": "5"}}
    assert config.lookups.reporting_currency == "GBP"
    assert config.lookups.rates().rows() == [("GBP", 1.0, None), ("EUR", 0.85, None), ("USD", 0.79, date(2024, 1, 1))]
    assert config.lookups.vocabularies == tmp_path / "words.yaml"


def test_a_mapping_changes_the_reading_fingerprint(tmp_path: Path):
    path = tmp_path / "feeds.yaml"
    base = "feeds:\n  purchases: {}\n  signups:\n"
    path.write_text(base + "    values: {education: {PhD: doctorate}}\n", encoding="utf-8")
    first = load_config(path).source("signups")
    path.write_text(base + "    values: {education: {PhD: master}}\n", encoding="utf-8")
    second = load_config(path).source("signups")
    path.write_text(base, encoding="utf-8")
    plain = load_config(path).source("signups")
    assert first is not None and second is not None and plain is not None
    assert len({first.reading_fingerprint(), second.reading_fingerprint(), plain.reading_fingerprint()}) == 3


CODEBOOK = (
    "question_id,survey_id,dimension,question_text,answer_type,scale_min,scale_max,is_reverse_scored\n"
    "Q1,s,price_focus,I compare prices,likert,1,5,false\n"
)


def test_a_codebook_without_the_psychographic_dimensions_names_the_groups_to_give(tmp_path: Path):
    (tmp_path / "codebook.csv").write_text(CODEBOOK, encoding="utf-8")
    path = tmp_path / "feeds.yaml"
    path.write_text("survey_codebook: codebook.csv\nfeeds:\n  purchases: {}\n", encoding="utf-8")
    with pytest.raises(FeedConfigError) as error:
        load_config(path)
    assert "segmentation.yaml: psychographic.groups.interest_technology: not a scale dimension of the " in str(
        error.value
    )
    assert "its dimensions are price_focus" in str(error.value)
    (tmp_path / "words.yaml").write_text("psychographic: {groups: {price_focus: Bargain hunters}}\n", encoding="utf-8")
    path.write_text("survey_codebook: codebook.csv\nvocabularies: words.yaml\nfeeds:\n  purchases: {}\n")
    assert load_config(path).lookups.survey_codebook == tmp_path / "codebook.csv"
