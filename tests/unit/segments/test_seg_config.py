from pathlib import Path

import pytest
import yaml

from assets.segments.config import DEFAULT_PATH, SegmentationConfigError, default_config, parse_config, read_config


@pytest.fixture
def raw() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_the_shipped_configuration_loads():
    config = default_config()
    assert [b.label for b in config.age_bands][-1] == "65+"
    assert config.age_bands[-1].below is None
    assert len(config.rfm_rules) == 11
    assert config.persona.k is None and config.persona.k_range == (3, 10)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: r.pop("age_bands"), "age_bands: expected a list of bands"),
        (
            lambda r: r["age_bands"][2].update(below=20),
            r"age_bands\[2\].below: 20 must be above the previous band's 35",
        ),
        (
            lambda r: r["age_bands"][1].pop("below"),
            r"age_bands\[1\].below: missing \(only the last band is open-ended\)",
        ),
        (
            lambda r: r["income_bands"][-1].update(below=1e6),
            r"income_bands\[4\].below: the last band must be open-ended",
        ),
        (lambda r: r["age_bands"][0].update(label=7), r"age_bands\[0\].label: expected text, got 7"),
        (lambda r: r["psychographic"].update(min_z="high"), "psychographic.min_z: expected a number, got 'high'"),
        (lambda r: r["persona"].update(k="many"), "persona.k: expected `auto` or a whole number of personas from 2"),
        (lambda r: r["persona"].update(k_range=[5, 2]), r"persona.k_range: expected \[lowest, highest\]"),
        (lambda r: r["persona"]["weights"].update(lifestyle=1.0), "persona.weights.lifestyle: unknown feature group"),
        (lambda r: r["persona"].update(fit_sample=10), "persona.fit_sample: must be at least 1000 customers"),
        (lambda r: r["rfm_segments"][0].update(fm=[3, 5]), "rfm_segments: RFM cell R5 FM3 is in both"),
        (lambda r: r["rfm_segments"].pop(0), "rfm_segments: RFM cells without a segment: R5 FM4, R5 FM5"),
        (
            lambda r: r["rfm_segments"][1].update(recency=[0, 4]),
            r"rfm_segments\[1\].recency: expected \[low, high\] scores",
        ),
        (lambda r: r["value_tiers"]["tiers"][1].update(top_share=0.005), r"value_tiers.tiers\[1\].top_share"),
        (lambda r: r["life_stages"]["rules"][0].update(has_children="yes"), r"life_stages.rules\[0\].has_children"),
        (lambda r: r["urbanicities"].append(3), "urbanicities: expected a list of urbanicity labels"),
        (lambda r: r["churn_risk"][1].update(label="High"), "churn_risk: label 'High' appears twice"),
        (
            lambda r: r["churn_risk_by_recency"][0].update(label="Safe"),
            r"churn_risk_by_recency: expected the labels of churn_risk \(High, Low, Medium\), once each",
        ),
        (
            lambda r: r["churn_risk_by_recency"][0].update(below=-5),
            r"churn_risk_by_recency\[0\].below: expected days above 0",
        ),
        # percentages where P(alive) is a probability
        (
            lambda r: (r["churn_risk"][0].update(below=30), r["churn_risk"][1].update(below=70)),
            r"churn_risk\[0\].below: expected a P\(alive\) above 0 and at most 1 \(0.3, not 30 for 30 %\), got 30",
        ),
        (
            lambda r: r["category_affinity"].update(min_share=40),
            r"category_affinity.min_share: expected a share of the customer's spend above 0 and at most 1 .*got 40",
        ),
        (lambda r: r["category_affinity"].update(min_share=0), "category_affinity.min_share: .* got 0"),
        (
            lambda r: r["persona"].update(silhouette_sample=5),
            r"persona.silhouette_sample: must be at least 100 customers to compute a silhouette up to k = 10 .*got 5",
        ),
        (
            lambda r: r["persona"].update(k_range=[3, 15], silhouette_sample=120),
            "persona.silhouette_sample: must be at least 150 customers",
        ),
        (
            lambda r: r["persona"].update(distinguishing_features=0),
            "persona.distinguishing_features: expected at least 1 feature to name personas by, got 0",
        ),
        (
            lambda r: r["persona"].update(k=1),
            "persona.k: expected `auto` or a whole number of personas from 2 to 20, got 1",
        ),
        (lambda r: r["persona"].update(k=50), "persona.k: .* from 2 to 20, got 50"),
        (lambda r: r["persona"].update(k=True), "persona.k: expected a whole number or text, got True"),
        (
            lambda r: r["persona"].update(k_range=[3, 40]),
            r"persona.k_range: expected \[lowest, highest\] .* from 2 to 20",
        ),
        (
            lambda r: r["education_levels"].update({"Bachelor": "Bachelor's degree"}),
            "education_levels.Bachelor: sign-up values are matched in lower case .*; write 'bachelor'",
        ),
        (
            lambda r: r["education_levels"].update({" phd": "Doctorate"}),
            "education_levels. phd: .*write 'phd'",
        ),
        # unknown or misspelt keys, at every level
        (
            lambda r: r.update(age_band=[]),
            "segmentation.yaml: age_band: unknown setting; did you mean 'age_bands'\\? valid keys are unknown_label, ",
        ),
        (
            lambda r: r["category_affinity"].update(min_shares=0.5),
            "category_affinity.min_shares: unknown setting; did you mean 'min_share'\\? "
            "valid keys are min_share, mixed_label",
        ),
        (
            lambda r: r["persona"].update(silhouette_samples=500),
            "persona.silhouette_samples: unknown setting; did you mean 'silhouette_sample'",
        ),
        (lambda r: r["rfm_segments"][3].update(recencey=[5, 5]), r"rfm_segments\[3\].recencey: unknown setting"),
        (
            lambda r: r["age_bands"][0].update(upto=25),
            r"age_bands\[0\].upto: unknown setting; valid keys are label, below",
        ),
        (lambda r: r["life_stages"]["rules"][0].update(max_age=99), r"life_stages.rules\[0\].max_age: unknown setting"),
        (lambda r: r["life_stages"].update(fallbacks="x"), "life_stages.fallbacks: unknown setting"),
        (lambda r: r["value_tiers"]["tiers"][0].update(share=0.01), r"value_tiers.tiers\[0\].share: unknown setting"),
        (lambda r: r["value_tiers"].update(rest="Rest"), "value_tiers.rest: unknown setting"),
        (lambda r: r["purchase_cadence"].update(band=[]), "purchase_cadence.band: unknown setting"),
        (lambda r: r["psychographic"].update(minz=1.0), "psychographic.minz: unknown setting"),
        (lambda r: r["employee_bands"][-1].update(abov=1000), r"employee_bands\[4\].abov: unknown setting"),
        (
            lambda r: r["rfm_segments"][-1].update(segment="No purchases"),
            r"rfm_segments\[10\].segment: 'No purchases' is reserved for customers without purchases",
        ),
    ],
)
def test_a_wrong_value_is_named_by_its_key(raw, edit, message):
    edit(raw)
    with pytest.raises(SegmentationConfigError, match=message):
        parse_config(raw, "segmentation.yaml")


def test_a_file_that_is_not_yaml_names_the_file(tmp_path: Path):
    path = tmp_path / "segmentation.yaml"
    path.write_text("age_bands: [unclosed\n", encoding="utf-8")
    with pytest.raises(SegmentationConfigError, match=f"{path}: not valid YAML"):
        read_config(path)


def test_an_edited_file_changes_the_settings(tmp_path: Path, raw):
    raw["persona"]["k"] = 4
    raw["age_bands"] = [{"label": "young", "below": 40}, {"label": "old"}]
    path = tmp_path / "segmentation.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    config = read_config(path)
    assert config.persona.k == 4
    assert [(b.label, b.below) for b in config.age_bands] == [("young", 40.0), ("old", None)]
