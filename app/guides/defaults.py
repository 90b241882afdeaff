"""Default one-page "near-miss cues" guides per role (SPEC §3.9), written for HCBS."""

DEFINITION = (
    "A near miss is something that could reasonably have caused harm, a rights restriction or a serious "
    "service failure - but did not, because something or someone caught it. If you have to ask whether "
    "it counts, report it."
)
STOP_THE_LINE = [
    "Someone is still at risk right now: stay, make them safe, answer 'yes' on the form.",
    "A skin change, fall risk or medication error nobody has handed over.",
    "Equipment that could hurt someone is still in use.",
]
SAFEGUARDING = [
    "Anyone asking for money, cards, PINs or gifts.",
    "Locked doors, withheld food or restrictions with no plan.",
    "Signs of neglect or of someone being frightened of a person.",
]
HOW_TO_REPORT = (
    "Scan the code or open the app: answer 'is anyone still at risk?', say what happened and what caught "
    "it. Under a minute, works with no signal. Reporting is blame-free."
)

DEFAULT_GUIDES = {
    "dsp": {
        "title": "Near-miss cues for direct support professionals",
        "definition": DEFINITION,
        "cues": [
            [
                "Medication looks different from the MAR",
                "Old dose still in the bubble pack after the doctor changed it",
            ],
            ["Skin change not in the handover", "Redness on a heel that does not fade"],
            ["The schedule sends you somewhere wrong", "Old address, or one worker for a two-person visit"],
            ["Equipment unsafe or missing", "Wrong Hoyer lift sling size, loose bed rail"],
            ["Information did not reach you", "Care plan change not in the visit notes"],
            ["A plan missed but caught in time", "Dialysis transport not booked for tomorrow"],
        ],
        "stop_the_line": STOP_THE_LINE,
        "safeguarding": SAFEGUARDING,
        "how_to_report": HOW_TO_REPORT,
        "contacts": [
            ["Your shift supervisor", "on-call number on your badge"],
            ["Safeguarding lead", "any time, same number"],
            ["Emergency", "911"],
        ],
    },
    "supervisor": {
        "title": "Near-miss cues for supervisors",
        "definition": DEFINITION,
        "cues": [
            ["Repeats across shifts", "The same missed handover item three times this month"],
            ["Workarounds becoming normal", "Staff 'always' double-checking a label that is often wrong"],
            ["Interfaces that break", "Plan updates that never reach the schedule or the MAR"],
            ["Staffing near the edge", "Two-person visits covered by one worker"],
            ["Late or missing notes", "Visit notes completed days after the visit"],
            ["Reports slowing down", "A team that has stopped reporting is not a safe team"],
        ],
        "stop_the_line": [
            "Acknowledge a stop-the-line alert within 15 minutes and record the safeguards.",
            "Book a same-day nurse review for skin or deterioration signs.",
            "Take unsafe equipment out of use before you leave.",
        ],
        "safeguarding": SAFEGUARDING,
        "how_to_report": "Report what you notice yourself - then triage the queue the same day at /triage.",
        "contacts": [
            ["Operations lead", "escalation after 30 minutes"],
            ["Safeguarding lead", "any time"],
            ["Quality lead", "clusters and reviews"],
        ],
    },
    "nurse": {
        "title": "Near-miss cues for nurses",
        "definition": DEFINITION,
        "cues": [
            ["Early deterioration", "More drowsy than usual, drinking less, new confusion"],
            ["Pressure risk", "Non-blanching redness, cushion missing after transfers"],
            ["Medication reconciliation", "Doctor's note changing a dose still unopened"],
            ["Results not followed up", "Lab test to repeat in 7 days, not scheduled"],
            ["Infection control gaps", "No gloves or gowns at the home; catheter bag on the floor"],
        ],
        "stop_the_line": [
            "Any new pressure injury sign: same-day review, repositioning plan now.",
            "A dose given or due that does not match the current prescription.",
        ],
        "safeguarding": SAFEGUARDING,
        "how_to_report": HOW_TO_REPORT,
        "contacts": [
            ["Clinical lead", "same day"],
            ["Pharmacist on call", "medication queries"],
            ["Safeguarding lead", "any time"],
        ],
    },
    "scheduler": {
        "title": "Near-miss cues for schedulers",
        "definition": DEFINITION,
        "cues": [
            ["Address or access changed", "A client moved; the schedule still shows the old address"],
            ["Skills mismatch", "A worker without Hoyer lift training sent to a lift visit"],
            ["Two-person visits", "Second worker canceled; visit not covered again"],
            ["Time changes", "Visit moved; medication time no longer fits"],
            ["Appointments", "Transport for a clinic not booked or cancelled"],
        ],
        "stop_the_line": [
            "A visit is uncovered and someone needs care today: cover it now, then report.",
            "A worker is heading to the wrong place for a time-critical visit.",
        ],
        "safeguarding": SAFEGUARDING,
        "how_to_report": HOW_TO_REPORT,
        "contacts": [
            ["Operations lead", "schedule gaps"],
            ["Supervisor on call", "uncovered visits"],
            ["Safeguarding lead", "any time"],
        ],
    },
}

GUIDE_ROLES = tuple(DEFAULT_GUIDES)
ROLE_TO_GUIDE = {
    "dsp": "dsp",
    "supervisor": "supervisor",
    "nurse": "nurse",
    "scheduler": "scheduler",
    "operations_lead": "scheduler",
}
