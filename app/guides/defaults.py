"""Default one-page "near-miss cues" guides per role and language (SPEC §3.9), written for HCBS in the
plain American words a DSP uses (issue 19 point 4)."""

from flask_babel import lazy_gettext as _l

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

DEFINITION_ES = (
    "Un casi incidente es algo que pudo causar daño, una restricción de derechos o una falla grave del "
    "servicio, pero no pasó porque algo o alguien lo detuvo. Si se pregunta si cuenta, repórtelo."
)
STOP_THE_LINE_ES = [
    "Alguien sigue en riesgo ahora: quédese, póngalo a salvo y marque 'sí' en el formulario.",
    "Un cambio en la piel, riesgo de caída o error de medicamento que nadie pasó en el cambio de turno.",
    "Equipo que puede lastimar a alguien todavía está en uso.",
]
SAFEGUARDING_ES = [
    "Alguien pide dinero, tarjetas, números PIN o regalos.",
    "Puertas cerradas con llave, comida negada o restricciones sin un plan.",
    "Señales de descuido o de que alguien tiene miedo de una persona.",
]
HOW_TO_REPORT_ES = (
    "Escanee el código o abra la aplicación: conteste '¿alguien sigue en riesgo?', diga qué pasó y qué lo "
    "detuvo. Menos de un minuto, funciona sin señal. Reportar no busca culpables."
)

DEFAULT_GUIDES_ES = {
    "dsp": {
        "title": "Señales de casi incidentes para profesionales de apoyo directo",
        "definition": DEFINITION_ES,
        "cues": [
            [
                "El medicamento no coincide con el MAR",
                "Dosis vieja en el blíster después de que el médico la cambió",
            ],
            ["Cambio en la piel no anotado en el turno", "Enrojecimiento en el talón que no se quita"],
            ["El horario lo manda al lugar equivocado", "Dirección vieja, o un solo trabajador para dos"],
            ["Equipo inseguro o que falta", "Arnés de grúa Hoyer de otra talla, baranda floja"],
            ["La información no le llegó", "Cambio del plan de cuidado no está en las notas"],
            ["Un plan que falló pero se detectó a tiempo", "Transporte a diálisis sin reservar para mañana"],
        ],
        "stop_the_line": STOP_THE_LINE_ES,
        "safeguarding": SAFEGUARDING_ES,
        "how_to_report": HOW_TO_REPORT_ES,
        "contacts": [
            ["Su supervisor de turno", "número de guardia en su gafete"],
            ["Responsable de protección", "a cualquier hora, mismo número"],
            ["Emergencia", "911"],
        ],
    },
    "supervisor": {
        "title": "Señales de casi incidentes para supervisores",
        "definition": DEFINITION_ES,
        "cues": [
            ["Se repite entre turnos", "El mismo dato olvidado en el turno tres veces este mes"],
            ["Atajos que se vuelven normales", "Siempre revisar dos veces una etiqueta que suele fallar"],
            ["Conexiones que fallan", "Cambios del plan que nunca llegan al horario ni al MAR"],
            ["Personal al límite", "Visitas de dos personas cubiertas por un trabajador"],
            ["Notas tardías o que faltan", "Notas de visita escritas días después"],
            ["Menos reportes", "Un equipo que dejó de reportar no es un equipo seguro"],
        ],
        "stop_the_line": [
            "Confirme una alerta de parar y actuar en 15 minutos y anote las medidas tomadas.",
            "Pida una revisión de enfermería el mismo día por señales en la piel o deterioro.",
            "Saque de uso el equipo inseguro antes de irse.",
        ],
        "safeguarding": SAFEGUARDING_ES,
        "how_to_report": "Reporte lo que usted note y clasifique la lista el mismo día en /triage.",
        "contacts": [
            ["Responsable de operaciones", "si no hay respuesta en 30 minutos"],
            ["Responsable de protección", "a cualquier hora"],
            ["Responsable de calidad", "grupos de casos y revisiones"],
        ],
    },
    "nurse": {
        "title": "Señales de casi incidentes para personal de enfermería",
        "definition": DEFINITION_ES,
        "cues": [
            ["Deterioro temprano", "Más somnoliento que de costumbre, bebe menos, confusión nueva"],
            ["Riesgo de úlceras por presión", "Enrojecimiento que no blanquea; cojín ausente tras traslados"],
            ["Conciliación de medicamentos", "Nota del médico que cambia una dosis sin abrir"],
            ["Resultados sin seguimiento", "Análisis a repetir en 7 días, sin cita"],
            [
                "Fallas en control de infecciones",
                "Sin guantes ni batas en la casa; bolsa de sonda en el piso",
            ],
        ],
        "stop_the_line": [
            "Señal nueva de úlcera por presión: revisión el mismo día y plan de cambios de posición.",
            "Una dosis dada o pendiente que no coincide con la receta actual.",
        ],
        "safeguarding": SAFEGUARDING_ES,
        "how_to_report": HOW_TO_REPORT_ES,
        "contacts": [
            ["Responsable clínico", "el mismo día"],
            ["Farmacéutico de guardia", "dudas de medicamentos"],
            ["Responsable de protección", "a cualquier hora"],
        ],
    },
    "scheduler": {
        "title": "Señales de casi incidentes para programación de turnos",
        "definition": DEFINITION_ES,
        "cues": [
            ["Cambió la dirección o el acceso", "Un cliente se mudó; el horario tiene la dirección vieja"],
            ["Habilidades que no coinciden", "Un trabajador sin capacitación en grúa Hoyer enviado a usarla"],
            ["Visitas de dos personas", "El segundo trabajador canceló; nadie cubrió la visita"],
            ["Cambios de hora", "Visita movida; la hora del medicamento ya no coincide"],
            ["Citas", "Transporte a la clínica sin reservar o cancelado"],
        ],
        "stop_the_line": [
            "Una visita sin cubrir y alguien necesita atención hoy: cúbrala ahora y luego repórtelo.",
            "Un trabajador va al lugar equivocado para una visita urgente.",
        ],
        "safeguarding": SAFEGUARDING_ES,
        "how_to_report": HOW_TO_REPORT_ES,
        "contacts": [
            ["Responsable de operaciones", "huecos en el horario"],
            ["Supervisor de guardia", "visitas sin cubrir"],
            ["Responsable de protección", "a cualquier hora"],
        ],
    },
}

DEFAULT_GUIDES_BY_LANGUAGE = {"en": DEFAULT_GUIDES, "es": DEFAULT_GUIDES_ES}
GUIDE_LANGUAGES = tuple(DEFAULT_GUIDES_BY_LANGUAGE)

GUIDE_ROLES = tuple(DEFAULT_GUIDES)
ROLE_TO_GUIDE = {
    "dsp": "dsp",
    "supervisor": "supervisor",
    "nurse": "nurse",
    "scheduler": "scheduler",
    "operations_lead": "scheduler",
}


_AUDIENCES = {
    "dsp": _l("Direct support professionals (DSPs)"),
    "supervisor": _l("Supervisors"),
    "nurse": _l("Nurses"),
    "scheduler": _l("Schedulers and operations leads"),
}


def guide_audiences() -> dict[str, str]:
    """Who each role's guide is for, spelled out in the page's language (never "Dsp")."""
    return {role: str(words) for role, words in _AUDIENCES.items()}
