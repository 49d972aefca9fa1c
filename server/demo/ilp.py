"""The ILP records of the demo (issue #15): remaja, nifas, KB, TB screening, referrals, doses.

Added to each posyandu's events by :func:`add_ilp` after the generator has drawn everything else,
from a random source of its own (``random.Random(seed)`` derived from the demo's seed), so the
rest of the demo (children, pregnancies, adults) is drawn exactly as before and stays
deterministic. Every record passes ``shared.records.validate``:

- 4–10 usia sekolah/remaja (5–17 years) per posyandu (times ``scale``, at least one), seen on 1–3 hari buka: weight, height, Hb
  (girls of 10 and more, about one in five anaemic), TTD for girls of 12 and more, BP for 10+;
- a kunjungan nifas for each delivery in the window on the KF days (KF1 day 1, KF2 day 5, KF3 day
  15, KF4 day 35; each about 70 %), vitamin A at KF1, now and then a danger sign; the mother's KB
  pasca persalinan at her last KF;
- a TB symptom screen for about half of the adults and remaja (about 5 % presumptive TB);
- a referral for each presumptive TB case and nifas danger sign, some followed up and closed;
- the doses given on the last two months' child visits as ``immunization`` records (the one
  source of truth for doses), instead of the visit's antigen list.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

KF_DAYS = (1, 5, 15, 35)
KB_METHODS = ("suntik", "pil", "implan", "iud", "kondom", "mal")
DANGER_SIGNS = ("fever", "bleeding", "breast_problem", "headache_seizure")
TB_SYMPTOMS = ("fever", "night_sweats", "weight_loss", "cough", "shortness_of_breath")
YOUTH_NAMES = {
    "M": ("Rizky", "Fajar", "Dimas", "Bayu", "Aldi", "Hendra", "Yoga", "Putra"),
    "F": ("Putri", "Nabila", "Aulia", "Salsa", "Intan", "Citra", "Dewi", "Rara"),
}


class IlpDemo:
    """Draws the ILP records of every posyandu from one random source, in a fixed order."""

    def __init__(self, seed: int, today: date, desa_by_code: dict[str, dict], scale: float):
        self.rng = random.Random(seed * 1_000_003 + 15)
        self.scale = scale
        self.today = today
        self.desa_by_code = desa_by_code

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def add(self, psy, events: list) -> None:
        """Add the posyandu's ILP records to its events (``(date, order, kind, fields)``)."""
        days = [day for _, day, opened in psy.sessions if opened and day <= self.today]
        facility = psy.facility["id"]
        for _ in range(max(1, round(self.rng.randint(4, 10) * self.scale))):
            self.youth(psy, days, events)
        for _, _, kind, fields in list(events):
            if kind == "pregnancy" and fields.get("outcome") == "live_birth":
                self.nifas(fields, events)
        for listed, _, kind, fields in list(events):
            # a mother is listed when her pregnancy is registered: screened after that
            later = [day for day in days if day > listed]
            if kind == "person" and self.is_adult(fields) and later and self.chance(0.5):
                self.tb_screen(fields, self.rng.choice(later), events)
        self.doses(days, facility, events)

    def is_adult(self, person: dict) -> bool:
        """Tell whether a person is an adult still living in the area (screened for TB)."""
        birth = date.fromisoformat(person["birth_date"])
        gone = person.get("died_on") or person.get("moved_out_on")
        return (self.today - birth).days >= 18 * 365 + 5 and not gone

    def youth(self, psy, days: list[date], events: list) -> None:
        """Add one school-age child or adolescent and their youth visits."""
        rng = self.rng
        sex = rng.choice("MF")
        age_days = rng.randint(5 * 365 + 40, 17 * 365)
        birth = self.today - timedelta(days=age_days)
        desa = self.desa_by_code[psy.facility["desa_code"]]
        person = {
            "id": self.new_id(),
            "posyandu_id": psy.facility["id"],
            "name": rng.choice(YOUTH_NAMES[sex]),
            "sex": sex,
            "birth_date": birth.isoformat(),
            "desa_code": desa["code"],
            "address": f"Desa {desa['name']}",
        }
        events.append((birth, -1, "person", person))
        seen = sorted(rng.sample(days, min(len(days), rng.randint(1, 3)))) if days else []
        for day in seen:
            if (day - birth).days < 5 * 365 + 2:
                continue
            events.append((day, 2, "youth_visit", self.youth_visit(person, birth, day)))
            if self.chance(0.3):
                self.tb_screen(person, day, events)

    def youth_visit(self, person: dict, birth: date, day: date) -> dict:
        """Return one youth_visit with the measures of the adolescent's age and sex."""
        rng = self.rng
        years = (day - birth).days / 365.25
        height = 108 + 5.6 * (years - 5) + rng.gauss(0, 5)
        visit = {
            "id": self.new_id(),
            "person_id": person["id"],
            "posyandu_id": person["posyandu_id"],
            "visit_date": day.isoformat(),
            "weight_kg": round(max(14.0, 18 * (height / 110) ** 3 + rng.gauss(0, 2)), 1),
            "height_cm": round(min(height, 185.0), 1),
            "smoking": person["sex"] == "M" and years >= 13 and self.chance(0.15),
        }
        if years >= 10:
            systolic = round(rng.gauss(108, 9))
            visit.update(systolic_bp=systolic, diastolic_bp=round(systolic * 0.62))
            if person["sex"] == "F":
                anaemic = self.chance(0.2)
                hb = rng.uniform(9.5, 11.4) if anaemic else rng.gauss(12.8, 0.7)
                visit["hb_g_dl"] = round(hb, 1)
        if person["sex"] == "F" and years >= 12:
            visit["ttd_given"] = self.chance(0.7)
        if years >= 12 and self.chance(0.5):
            visit["mental_health"] = self.rng.choices(
                ("normal", "borderline", "abnormal"), (17, 2, 1)
            )[0]
        return visit

    def nifas(self, pregnancy: dict, events: list) -> None:
        """Add the KF visits of one delivery, the KB after it, and a referral for danger."""
        delivery = date.fromisoformat(pregnancy["delivery_date"])
        visits = []
        for number, offset in enumerate(KF_DAYS):
            day = delivery + timedelta(days=offset)
            if day > self.today or not self.chance(0.7):
                continue
            visit = {
                "id": self.new_id(),
                "pregnancy_id": pregnancy["id"],
                "person_id": pregnancy["person_id"],
                "posyandu_id": pregnancy["posyandu_id"],
                "visit_date": day.isoformat(),
                "vitamin_a_given": number == 0 and self.chance(0.85),
            }
            if self.chance(0.06):
                visit["danger_signs"] = [self.rng.choice(DANGER_SIGNS)]
            visits.append(visit)
            events.append((day, 2, "postpartum_visit", visit))
            if visit.get("danger_signs"):
                self.referral(visit, "postpartum_visit", "danger_sign", events)
        if visits and self.chance(0.6):
            last = visits[-1]
            method = self.rng.choice(KB_METHODS)
            last["kb_method"] = method
            day = date.fromisoformat(last["visit_date"])
            record = {
                "id": self.new_id(),
                "person_id": pregnancy["person_id"],
                "posyandu_id": pregnancy["posyandu_id"],
                "visit_date": day.isoformat(),
                "status": "pus",
                "method": method,
                "start_date": day.isoformat(),
            }
            events.append((day, 3, "family_planning", record))

    def tb_screen(self, person: dict, day: date, events: list) -> None:
        """Add a TB symptom screen on ``day``; a presumptive case gets a referral."""
        if day < date.fromisoformat(person["birth_date"]) or person.get("died_on"):
            return
        symptoms = []
        if self.chance(0.05):
            symptoms = ["cough_2_weeks", *self.rng.sample(TB_SYMPTOMS[:3], 1)]
        elif self.chance(0.15):
            symptoms = [self.rng.choice(TB_SYMPTOMS)]
        screen = {
            "id": self.new_id(),
            "person_id": person["id"],
            "posyandu_id": person["posyandu_id"],
            "visit_date": day.isoformat(),
            "symptoms": symptoms,
        }
        events.append((day, 2, "tb_screening", screen))
        if "cough_2_weeks" in symptoms:
            self.referral(screen, "tb_screening", "tb_suspect", events)

    def referral(self, source: dict, kind: str, reason: str, events: list) -> None:
        """Add the referral of a visit; about half are followed up and closed."""
        day = date.fromisoformat(source["visit_date"])
        record = {
            "id": self.new_id(),
            "person_id": source["person_id"],
            "posyandu_id": source["posyandu_id"],
            "referral_date": day.isoformat(),
            "source_kind": kind,
            "source_id": source["id"],
            "reason": reason,
            "destination": "puskesmas",
            "status": "referred",
        }
        follow = day + timedelta(days=self.rng.randint(1, 14))
        if follow <= self.today and self.chance(0.5):
            record.update(
                status="completed", follow_up_date=follow.isoformat(), followed_up_by="Bidan desa"
            )
        events.append((day, 3, "referral", record))

    def doses(self, days: list[date], facility: str, events: list) -> None:
        """Record the last two months' doses as ``immunization`` records, one per dose."""
        recent = {day for day in days if (self.today - day).days <= 62}
        for _, _, kind, fields in list(events):
            if kind != "child_visit" or not fields.get("immunizations"):
                continue
            day = date.fromisoformat(fields["visit_date"])
            if day not in recent:
                continue
            for code in fields.pop("immunizations"):
                record = {
                    "id": self.new_id(),
                    "person_id": fields["person_id"],
                    "posyandu_id": facility,
                    "antigen": code,
                    "given_on": day.isoformat(),
                    "given_at": "posyandu",
                }
                events.append((day, 2, "immunization", record))
