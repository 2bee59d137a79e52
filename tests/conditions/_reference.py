"""Hand-written prefix lists of the bundled ham2003_leading_causes sets, ranges expanded by hand.

They restate data/conditions/ham2003_leading_causes.csv without using kpcompare's range
logic, so tests can compare the classifier with plain ``str.startswith`` on the raw data.
Codes are written without dots; NHDS pads three-character ICD-9-CM codes with '-'
and HES writes 'I64X', so the tests strip those characters first.
"""

ICD10_PREFIXES = {
    "stroke": ["I60", "I61", "I62", "I63", "I64"],
    "fractured_neck_of_femur": ["S720", "S721", "S722"],
    "bronchitis_copd": ["J40", "J41", "J42", "J43", "J44"],
    "asthma": ["J45", "J46"],
    "angina": ["I20"],
    "acute_myocardial_infarction": ["I21", "I22"],
    "heart_failure": ["I50", "I110", "I130", "I132"],
    "urinary_tract_infection": ["N10", "N12", "N151", "N159", "N300", "N309", "N390"],
    "pneumonia": ["J12", "J13", "J14", "J15", "J16", "J17", "J18"],
    "cellulitis": ["L03"],
    "diabetes": ["E10", "E11", "E12", "E13", "E14"],
    "atrial_fibrillation": ["I48"],
}

ICD9CM_PREFIXES = {
    "stroke": ["430", "431", "432", "43301", "43311", "43321", "43331", "43381", "43391",
               "43401", "43411", "43491", "436"],
    "fractured_neck_of_femur": ["820"],
    "bronchitis_copd": ["490", "491", "492", "4932", "496"],
    "asthma": ["4930", "4931", "4938", "4939"],
    "angina": ["4111", "413"],
    "acute_myocardial_infarction": ["410"],
    "heart_failure": ["428", "40201", "40211", "40291", "40401", "40403", "40411", "40413", "40491",
                      "40493"],
    "urinary_tract_infection": ["5901", "5902", "59080", "5909", "5950", "5959", "5990"],
    "pneumonia": ["480", "481", "482", "483", "484", "485", "486"],
    "cellulitis": ["681", "682"],
    "diabetes": ["250"],
    "atrial_fibrillation": ["4273"],
}


def reference_labels(codes, prefixes):
    """Plain-python classification: first group with a prefix the cleaned code starts with."""
    out = []
    for code in codes:
        clean = "" if code is None or code != code else str(code).replace(".", "").strip().upper()
        clean = clean.rstrip("-")
        if len(clean) == 4 and clean[3] == "X":
            clean = clean[:3]
        label = "other"
        for group, starts in prefixes.items():
            if clean and clean.startswith(tuple(starts)):
                label = group
                break
        out.append(label)
    return out
