"""Write trackerkit's embedded sample conversations and what Symbl plausibly returned for them.

Outputs (all under ``trackerkit/data/``), reproduced byte for byte on every run:

* ``sample_conversations.json``: 120 sales and support calls of Acme Cloud (the company of the
  sample account), in Symbl's documented shapes: conversation objects as listed by
  ``GET /v1/conversations`` with their ``messages`` as returned by ``.../messages``.
* ``sample_tracker_results.json``: ``{conversation_id: [...]}``, the body Symbl's
  ``GET /v1/conversations/{id}/trackers-detected`` would return for each call.
* ``sample_conversation_facts.json`` and ``CONVERSATIONS.md``: the facts planted in the calls,
  with exact expected numbers computed from the stored results.

The stored results are computed here with this script's own, deliberately simple logic, never
with trackerkit's code, so comparing trackerkit's replay with them is not circular:

* literal match: a vocabulary phrase (ends stripped of punctuation, inner whitespace meaning any
  run of spaces) occurs case-insensitively in the message text, not preceded or followed by a
  word character; ``offset`` is the position of its first occurrence in the original text;
* match by meaning (``offset`` -1): exactly the paraphrases written into the scripts below with
  ``meaning=(tracker, phrase)``, the way Symbl matched them; a few of them are "borderline"
  (debatable matches Symbl plausibly made) and are listed as such;
* a tracker is reported only for calls that started after its ``createdOn`` (undated older
  trackers are taken to predate everything) and, when it declares ``languages``, only for calls
  in one of them.

Run from the repository root: ``python tools/make_sample_conversations.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import unicodedata
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "trackerkit" / "data"
SEED = 20260601

PERIOD_START = dt.date(2026, 6, 1)  # a Monday
N_WEEKS = 10  # through Sunday 2026-08-09
US_HOLIDAYS = {dt.date(2026, 7, 3)}  # Independence Day observed: the US teams take no calls
COMPETITOR_RISE = dt.date(2026, 7, 6)  # a rival launched a free tier: competitor talk rises
OUTAGE_WEEK = dt.date(2026, 7, 20)  # Monday of the week of the incident
AGENT_DOMAIN = "acmecloud.example"

# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    email: str

    @property
    def first(self) -> str:
        return self.name.split()[0]

    @property
    def user_id(self) -> str:
        # Symbl's `from.id` is an opaque user id; a name-based UUID keeps it stable across runs.
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "mailto:" + self.email))


def staff(name: str) -> Person:
    first, last = name.lower().split()[0], name.lower().split()[-1]
    ascii_name = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode()
    return Person(name, f"{ascii_name}@{AGENT_DOMAIN}")


SALES_AES = [staff("Alex Morgan"), staff("Priya Raman"), staff("Daniel Okafor")]
ACCOUNT_MANAGER = staff("Hannah Lindqvist")
SOLUTIONS_ENGINEER = staff("Marcus Webb")
SUPPORT_AGENTS = [staff("Jordan Ellis"), staff("Sofia Marin"), staff("Kevin Tran"), staff("Aisha Bello")]
SPANISH_AGENTS = [staff("Lucía Fernández"), staff("Javier Ortega")]


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


COMPANIES = _words(
    """Northwind Logistics, Bluepeak Dental Group, Harbor Finch Insurance, Tallgrass Analytics,
    Copperline Freight, Meridian Health Partners, Brightwave Solar, Oakridge Property Management,
    Pinecrest Staffing, Lumen Legal, Redwood Robotics, Silverline Realty, Summit Ridge Credit Union,
    Kestrel Security, Greenfield Ag Supply, Vantage Point Media, Cobalt Payroll, Ironbridge Construction,
    Starling Travel, Maple Street Bank, Orbitwise Telecom, Quarry Hill Software, Riverbend Hospitality,
    Sable Insurance, Tidewater Marine, Upland Outdoor, Westgate Auto Group, Zephyr Wireless,
    Alder Education, Beacon Home Care, Crescent Wealth, Driftwood Hotels, Evergreen Recruiting,
    Foxglove Pharmacy, Granite State Energy, Highline Fitness, Inkwell Publishing, Juniper Clinics,
    Keystone Mortgage, Larkspur Events, Nimbus Data, Osprey Shipping, Parkside Veterinary,
    Quill and Ledger Accounting, Rosewood Senior Living, Saltmarsh Brewing, Trellis HR,
    Umber Architecture, Velvet Moon Cosmetics, Willowbrook Schools, Yardline Sports, Cinder Games,
    Fathom Diving Supply, Goldleaf Catering, Hollow Oak Furniture, Lodestar Consulting, Marigold Florists,
    Nettle and Pine Outfitters, Pebble Creek Insurance, Ravenna Imports, Stonegate Movers"""
)
FIRST_NAMES = _words(
    """Dana, Colin, Elena, Tom, Grace, Raj, Olivia, Samuel, Mei, Jonah, Fatima, Lucas, Nora, Andre,
    Keiko, Ben, Chloe, Victor, Amara, Owen, Ingrid, Tariq, Lena, Diego, Hazel, Ivan, Rosa, Caleb, Yuki,
    Martin, Zoe, Felix, Leah, Omar, Julia, Pete, Anika, Rhys, Carmen, Wes, Selin, Noah, Bianca, Hugo"""
)
LAST_NAMES = _words(
    """Whitfield, Castellanos, Nakamura, Okonkwo, Brennan, Patel, Lindgren, Adeyemi, Fischer, Moreau,
    Haddad, Kowalczyk, Sutherland, Delgado, Albright, Yilmaz, Novak, Ferreira, Gallagher, Hoang, Mbeki,
    Sorensen, Quinn, Rossi, Tanaka, Varga, Ahmed, Bishop, Carver, Duarte, Ellison, Frost, Greer, Holloway"""
)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


# ---------------------------------------------------------------------------------------------
# Script lines
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One message of a script: who says it, the text, and what Symbl matched by meaning."""

    role: str  # "agent", "agent2" (a second Acme Cloud person), "customer", "customer2"
    text: str
    meaning: tuple[tuple[str, str], ...] = ()  # (tracker name, vocabulary phrase) matched by meaning
    tag: str = ""  # a planted fact this line belongs to ("wrong_context", "typo", "borderline", ...)
    gap: float = 0.0  # extra seconds of silence before the line (hold music, looking things up)


def _line(role: str, text: str, meaning=(), tag: str = "", gap: float = 0.0) -> Line:
    if meaning and isinstance(meaning[0], str):
        meaning = (meaning,)
    return Line(role, text, tuple(tuple(m) for m in meaning), tag, gap)


def A(text: str, meaning=(), tag: str = "", gap: float = 0.0) -> Line:
    return _line("agent", text, meaning, tag, gap)


def A2(text: str, meaning=(), tag: str = "", gap: float = 0.0) -> Line:
    return _line("agent2", text, meaning, tag, gap)


def C(text: str, meaning=(), tag: str = "", gap: float = 0.0) -> Line:
    return _line("customer", text, meaning, tag, gap)


# ---------------------------------------------------------------------------------------------
# Script blocks: each block is a list of exchanges (lists of lines) a call can pick from.
# Placeholders: {a} agent, {a2} second Acme Cloud person, {c} customer, {c2} second customer
# (first names), {co} customer company, {email} customer email, {seats}, {price}, {annual}.
# ---------------------------------------------------------------------------------------------

PI, DR, SO = "Pricing Inquiry", "Discount Request", "Special Offers"
CM, PC = "Competitor Mention", "Product Comparison"
DM, BC, TU = "Decision Maker", "Budget Concerns", "Timeline / Urgency"
CI, CR, CF = "Cancellation Intent", "Churn Risk", "Customer Frustration"

BLOCKS: dict[str, list[list[Line]]] = {
    # -- sales -----------------------------------------------------------------------------
    "smalltalk": [
        [
            C("Sorry I'm a couple of minutes late, I've had back to back meetings all day."),
            A("No worries at all, we've got plenty of time."),
        ],
        [
            A("Where are you joining from today?"),
            C("Denver. It's been raining all week, so I don't mind being inside."),
        ],
        [C("Can you see my screen okay? My camera's acting up."), A("You're coming through fine.")],
        [
            A("How's your week going so far?"),
            C("Busy, but good. We just closed our quarter, so it's calmer now."),
            A("Congratulations, that's always a relief."),
        ],
        [
            C("Just a heads up, I might have to drop at twenty five past for another call."),
            A("Understood, I'll keep us on time."),
        ],
    ],
    "account_check": [
        [
            A("How has the team been using it since the rollout?"),
            C("Pretty heavily on the sales side. Support uses it less, mostly for QA reviews once a month."),
        ],
        [
            A(
                "I pulled your usage before the call. Managers are reviewing about three times more calls "
                "than in the spring."
            ),
            C("That matches what I hear. The Monday review meeting is built around it now."),
        ],
        [
            A("Anything that's been getting in the way?"),
            C("Mainly that new hires don't get invited automatically. Someone has to remember to add them."),
        ],
        [
            A("Who on your side is the main admin these days?"),
            C("Still me, plus one of the ops people who helps with the user list."),
        ],
        [
            C(
                "One thing I wanted to raise: our reps would like the summaries in their CRM without "
                "clicking."
            ),
            A("That's doable with the CRM sync. I'll send you the setup steps."),
        ],
    ],
    "agenda": [
        [
            A(
                "So for today, I thought I'd ask a few questions about your team, show you the product, and "
                "leave some time at the end for pricing and questions. Does that work?"
            ),
            C("Sounds good to me."),
        ],
        [
            A(
                "I've got us for thirty minutes. I'd love to understand what prompted the call, then we can "
                "decide together whether a deeper session makes sense."
            ),
            C("Perfect."),
        ],
        [
            A("Before I jump in, is there anything specific you want to make sure we cover today?"),
            C("Mostly how the coaching side works, and what it would cost us."),
        ],
    ],
    "discovery": [
        [
            A("Tell me a bit about your team. How many people would be using this?"),
            C("We've got about {seats} people across sales and customer success, mostly remote."),
        ],
        [
            A("How are you reviewing calls right now?"),
            C(
                "Honestly, managers listen to a couple of recordings on Friday afternoons when they have "
                "time. It doesn't scale."
            ),
        ],
        [
            A("What made you reach out now?"),
            C(
                "We're hiring a bunch of new reps this fall and coaching them is eating up our managers' "
                "week."
            ),
        ],
        [
            A("Which tools does the team live in day to day?"),
            C("Salesforce for pipeline, Zoom for most calls, and Slack for everything else."),
        ],
        [
            A("What would success look like six months from now?"),
            C("Ramp time down by a few weeks, and managers actually knowing what happens on calls."),
        ],
        [
            C("What we really want is searchable transcripts and some way to spot deals that are slipping."),
            A("That's where most teams start. The deal view flags calls where next steps never got set."),
        ],
        [
            A("Who's on the team today, roughly, by role?"),
            C("Mostly account executives, a handful of SDRs, and four team leads."),
        ],
        [
            C("We tried recording calls last year but nobody ever listened to them."),
            A(
                "That's really common. The recordings are only useful if someone surfaces the moments that "
                "matter."
            ),
        ],
        [
            A("Are your calls mostly inbound or outbound?"),
            C("About seventy percent outbound. The inbound ones come from the website demo form."),
        ],
        [
            C("Our managers spend hours every week writing up call notes by hand."),
            A("Got it. Automatic summaries alone usually give those hours back."),
        ],
        [
            A("What does your current QA process look like on the support side?"),
            C("Two reviewers score five calls per agent per month with a spreadsheet."),
        ],
        [
            C("A big one for us is compliance. We need to prove reps read the disclosures."),
            A("Makes sense. Trackers can flag every call where the disclosure wasn't said."),
        ],
    ],
    "demo_intro": [
        [
            A(
                "So this is the conversation view. Every call lands here with the transcript, speakers and "
                "topics."
            ),
            C("Okay, and that's updated right after the call ends?"),
            A("Usually within a few minutes of the recording finishing."),
        ],
        [
            A("Up top you've got the trackers panel, which shows where key moments came up in each call."),
            C("Can we set up our own trackers for things like pricing objections?"),
            A("Yes, you define the phrases and we match them, including similar wording."),
        ],
        [
            A2("I'll share my screen. This is a sandbox workspace with some sample calls loaded."),
            C("Looks clean. Is this what the reps see, or the manager view?"),
            A2("This is the manager view. Reps get a simpler version with just their own calls."),
        ],
        [
            A("If I click into a call, you can jump to any moment from the transcript."),
            C("Oh nice, so clicking a sentence plays the audio from there?"),
            A("Exactly, and you can leave a comment right on that line for coaching."),
        ],
        [
            A2("Here's the coaching scorecard. Managers pick the calls, the scorecard fills in the basics."),
            C("How customizable is the scorecard?"),
            A2("Fully. Most teams start from our template and adjust the questions."),
        ],
    ],
    "demo_walkthrough": [
        [
            A(
                "Let me show you what a manager sees on Monday morning. This panel ranks last week's calls "
                "by the moments you care about, so instead of listening to forty calls you open the five "
                "that matter. Each row links straight to the sentence where it happened."
            ),
            C("And the ranking is based on the trackers you set up?"),
            A("Exactly. You decide what matters, and we surface it."),
        ],
        [
            A2(
                "Here's a real call from our sandbox. On the left is the transcript with speakers, on the "
                "right the summary, action items and the questions the customer asked. If I click this "
                "question, the recording jumps to that point."
            ),
            C("Okay, that's really neat. How accurate is the speaker separation?"),
            A2(
                "On two-person calls it's very reliable. On big meetings it uses the meeting platform's "
                "participant data to get names right."
            ),
        ],
        [
            A(
                "This is the coaching view. A manager picks a call, leaves comments on specific lines, and "
                "the rep gets a notification with the clip. Over time you can see whether the comments are "
                "turning into better calls."
            ),
            C("Do reps see each other's calls?"),
            A("Only if you allow it. Some teams share a library of great calls for onboarding."),
        ],
        [
            A2(
                "And this is the tracker editor. You give it the phrases your team uses, and it also matches "
                "sentences that mean the same thing, so you don't have to think of every wording up front."
            ),
            C("How do we know it's not matching the wrong things?"),
            A2("Every match links to the sentence, so you can review them and tune the phrases."),
        ],
    ],
    "demo_request": [
        [C("Can we schedule a demo for the wider team next week?")],
        [C("I'd love to see a demo of the coaching module specifically.")],
        [C("Can you show me how it works on a real call?")],
        [C("Walk me through the product like I'm a new manager.")],
        [C("Do you have a recorded demo I can share with my director?")],
        [C("Can we do a live demo for my team? They'll have lots of questions.")],
        [C("Show me the dashboard a manager would look at on Monday morning.")],
        [C("Can you give us a quick tour of the admin settings?")],
        [C("Can you demo the integration with Salesforce?")],
        [C("Can I get a sandbox to play around with after this?")],
        [C("Can you show us the reporting? That's what my VP will care about.")],
        [C("We'd like a technical deep dive with our IT folks at some point.")],
        [
            C(
                "Could you show me what a rep actually sees after a call?",
                meaning=("Demo Request", "can you show me how it works"),
            )
        ],
        [C("I want to see it in action before I bring it to the team.")],
    ],
    "pricing": [
        [
            C("So, how much does it cost for a team like ours?"),
            A(
                "It depends on the plan. For {seats} seats on Business you'd be at {price} per seat per "
                "month, billed annually, and that includes onboarding and standard support."
            ),
        ],
        [
            C("What does the pricing look like for about {seats} people?"),
            A(
                "Business is {price} per seat per month, so roughly {annual} a year for your team. "
                "Enterprise adds SSO and a success manager, and that one is quoted separately."
            ),
        ],
        [
            C("Can you walk me through your pricing?"),
            A(
                "Sure. There are three plans: Starter, Business and Enterprise. Most teams your size land on "
                "Business at {price} a seat per month, and the main jump to Enterprise is security and admin "
                "controls."
            ),
        ],
        [
            C("What's the price per seat on the Business plan?"),
            A("It's {price} per seat per month on an annual contract."),
        ],
        [
            C("Is pricing per user or per account?"),
            A("Per user. Managers and admins count as seats, viewers are free."),
        ],
        [
            C("Is there a setup fee, or is that all included?"),
            A("There's a one time onboarding fee on Enterprise. On Business it's included."),
        ],
        [
            C("Roughly, what would that cost us annually?"),
            A(
                "With {seats} seats you're looking at about {annual} per year before any discount. I can "
                "also model a phased rollout if you don't want everyone on day one."
            ),
        ],
        [
            C("Can you send over a quote so I can share it with finance?"),
            A("Absolutely, I'll have a formal quote in your inbox today."),
        ],
        [
            C("Are there any hidden fees we should know about?"),
            A("No. Extra transcription minutes are the only thing billed on top, and you'd see that coming."),
        ],
        [
            C("Do you have volume pricing once we go past a hundred seats?"),
            A("Yes, the per seat price steps down at one hundred and again at five hundred."),
        ],
        [
            C("And is support included in the price, or is that extra?"),
            A("Standard support is included. Premium support with a named engineer is an add-on."),
        ],
        [
            C("Do you charge by minutes or by seats?"),
            A("By seats, with a generous pool of minutes per seat that's shared across the workspace."),
        ],
        [
            C("How much would it be for our whole team? We're about {seats}."),
            A("About {annual} a year on Business. I can break that down in the proposal."),
        ],
        [
            C("Just give me the ballpark. What's the ballpark figure?"),
            A("Ballpark, {annual} a year for everyone, all in."),
        ],
        [
            C("How are overages charged if we go over the minutes?"),
            A("At two cents a minute, and we warn admins at eighty percent of the pool."),
        ],
        [
            C("Is there a price sheet I can share internally?"),
            A("I'll send the one pager with the plan comparison and prices."),
        ],
        [
            C("Can we pay monthly?"),
            A("On Starter, yes. Business and Enterprise are annual, but you can pay quarterly."),
        ],
        [
            C("Does the price include implementation?"),
            A("It does on Business. Enterprise has an optional guided rollout package."),
        ],
        [
            C("What would something like this run us per person?", meaning=(PI, "what's the price per seat")),
            A("On Business it's {price} a month per person, on an annual term."),
        ],
        [
            C(
                "Ballpark, what are we looking at for forty people?",
                meaning=(PI, "what's the cost for fifty users"),
            ),
            A("For forty people on Business, a little over forty thousand a year."),
        ],
        [
            C(
                "How do you guys charge for this, per head or for the whole company?",
                meaning=(PI, "is pricing per user or per account"),
            ),
            A("Per head. Each person who records calls is a seat."),
        ],
        [
            C("And what's the damage for the top tier?", meaning=(PI, "how much is the enterprise plan")),
            A("Enterprise is custom, but it usually lands about thirty percent above Business."),
        ],
        [
            C(
                "Is there a lighter version for a small team that just wants transcripts?",
                meaning=(PI, "is there a cheaper plan"),
            ),
            A("Starter is exactly that, at nineteen dollars a seat."),
        ],
    ],
    "discount": [
        [
            C("Is there any wiggle room on the price?"),
            A(
                "Let me see what I can do. If you sign by the end of the month I can take some off the list "
                "price."
            ),
        ],
        [
            C("Can you do better on the price if we sign for two years?"),
            A("On a two year term I can get approval for twelve percent off."),
        ],
        [
            C("Honestly, what's the best price you can do?"),
            A("I'd have to check with my manager, but I think I can get you to {price_low} a seat."),
        ],
        [C("Is that your final price?"), A("I have a little room if we can close this quarter.")],
        [
            C("Any chance of a multi year discount?"),
            A("Yes, three years gets you fifteen percent off across the board."),
        ],
        [
            C("Can you throw in a few extra seats for the team leads?"),
            A("I can include five manager seats at no charge."),
        ],
        [C("Can you waive the setup fee?"), A("For an annual prepay I can waive it, yes.")],
        [
            C("Is there a discount if we pay upfront?"),
            A("Paying the full year upfront takes five percent off."),
        ],
        [
            C("Any flexibility on pricing? That's above what I expected."),
            A("There is some. Tell me what number you need to get this done."),
        ],
        [
            C("We need a better number to get this approved."),
            A("Understood. I'll go back to my deal desk today."),
        ],
        [
            C("Is there a discount for signing this month? Our quarter ends soon."),
            A("There is an end of quarter incentive I can apply."),
        ],
        [
            C("That's above our number, can you meet us halfway?"),
            A("Let me see if I can meet you somewhere in the middle."),
        ],
        [C("Could you knock ten percent off?"), A("Ten percent on an annual contract is doable.")],
        [
            C("We'd sign today if you can lower the price."),
            A("If we can sign today, I can lower it. Give me one second to confirm."),
        ],
        [
            C("Do you offer any discounts for nonprofits? We're funded by grants."),
            A("We do, nonprofits get twenty five percent off list."),
        ],
        [
            C("Can I get a discount?"),
            A("Depending on term length, yes. Annual commitments get the best rate."),
        ],
        [
            C(
                "Is there anything you can do on the number? It's a bit rich for us.",
                meaning=(DR, "is there any wiggle room on the price"),
            ),
            A("I hear you. Let me see what I can get approved."),
        ],
        [
            C(
                "If we commit for three years, does the rate come down?",
                meaning=(DR, "any chance of a multi year discount"),
            ),
            A("It does, by about fifteen percent."),
        ],
        [
            C(
                "Our last vendor gave us fifteen percent off. Can you get close to that?",
                meaning=(DR, "can you match their price"),
            ),
            A("I can get to twelve, and include onboarding."),
        ],
    ],
    "special_offer": [
        [
            A(
                "We have a limited time offer this quarter, by the way. First three months free on annual "
                "plans."
            )
        ],
        [A("Also, new customers get twenty percent off the first year right now.")],
        [A("We have a special promotion going on this month, so the timing works in your favor.")],
        [A("Just so you know, this offer ends on Friday.")],
        [A("The promo is only valid until the end of the month, so I'd try to get the paperwork moving.")],
        [A("We can offer you an introductory rate for the first year.")],
        [A("We're doing a bundle offer on add ons right now, so the coaching module would be half price.")],
        [A("Sign by Friday and we'll waive the setup fee.")],
    ],
    "competitor": [
        [
            C("We currently use Gong, but the contract is up in the fall."),
            A("Good to know. A lot of teams move to us at renewal."),
        ],
        [
            C("Another vendor quoted us less, to be honest."),
            A("I appreciate you telling me. Can I ask what's included in their quote?"),
        ],
        [C("We also looked at Chorus last year."), A("What made you hold off then?")],
        [
            C("How are you different from Gong?"),
            A("Accuracy on accented speech, and trackers that match by meaning, not just keywords."),
        ],
        [
            C("We're evaluating a few other tools right now."),
            A("That makes sense. What matters most in your comparison?"),
        ],
        [
            C("We've been talking to your competitors too, just so you know."),
            A("No problem at all, I'd expect nothing less."),
        ],
        [C("Our current provider does that already."), A("Which provider are you using today?")],
        [
            C("We had a demo with Outreach last week."),
            A("They're strong on sequencing. We go deeper on the conversation itself."),
        ],
        [
            C("We're comparing you against Gong and Chorus."),
            A("Happy to show where we're different. Can I send you a comparison?"),
        ],
        [
            C("The other solution we saw was cheaper."),
            A("Price matters, of course. Let's look at what each one covers."),
        ],
        [
            C("We use Otter today for note taking."),
            A("Lots of teams start there and outgrow it once they want coaching."),
        ],
        [
            C("Fireflies does that for free, so that's kind of the bar now."),
            A("I get that. The free tiers stop at notes; we do coaching and deal insights."),
        ],
        [
            C("What do you have that Gong doesn't?"),
            A("Trackers by meaning, Spanish support, and a lower price per seat."),
        ],
        [
            C("Salesloft has that built in."),
            A("They do have basic recording, yes. The analysis is where we differ."),
        ],
        [
            C("Zoom already gives us transcripts, so why pay for this?"),
            A("Zoom gives you the text. We tell you what's in it across hundreds of calls."),
        ],
        [
            C("A competitor is offering a free pilot, honestly."),
            A("We can do a pilot too. Let's talk about what success would look like."),
        ],
        [
            C("Your competitor offered us a better deal last week."),
            A("Let's make sure we compare the same scope before we talk numbers."),
        ],
        [
            C(
                "The folks at the other company said they'd do it for half.",
                meaning=(CM, "Another vendor quoted us less"),
            ),
            A("Half of what, though? I'd want to see their scope."),
        ],
    ],
    "comparison": [
        [
            C("How do you compare to the other options out there?"),
            A("The short version: better accuracy and more flexible trackers."),
        ],
        [C("Can you send a comparison sheet?"), A("Yes, I'll include it with the recap.")],
        [
            C("What are the main differentiators, in one sentence?"),
            A("Meaning-based trackers, and coaching built into the same workspace."),
        ],
        [
            C("Which plan is right for us?"),
            A("For your size, Business. Enterprise makes sense once you need SSO and custom retention."),
        ],
        [
            C("How does the pro plan compare to enterprise?"),
            A("Enterprise adds SSO, audit logs and a dedicated success manager."),
        ],
        [C("Do you have a feature matrix?"), A("I'll send it over, it's a single page.")],
        [
            C("Is there a migration path from our current tool?"),
            A("Yes, we can import past recordings and your existing tags."),
        ],
    ],
    "decision": [
        [
            C(
                "I'll have to take this to my boss before we commit.",
                meaning=(DM, "I'll need to run this by my boss"),
            ),
            A("Of course. Would it help if I put together a short summary for them?"),
        ],
        [
            C("Our VP of Sales has the last word on this.", meaning=(DM, "the final call is with our VP")),
            A("Would it make sense to include your VP in the next session?"),
        ],
        [
            C("Anything over fifty thousand goes to our CFO.", meaning=(DM, "our CFO has to approve it")),
            A("Understood. We can structure the order to fit that process."),
        ],
        [
            C(
                "I need to bring my manager into the next conversation.",
                meaning=(DM, "I need to loop in my manager"),
            ),
            A("Great, I'll send an invite that works for both of you."),
        ],
        [
            C("Ultimately it's our CTO's decision.", meaning=(DM, "our CTO will have the final say")),
            A("Then let's make sure the security answers are ready for that meeting."),
        ],
        [
            C(
                "Leadership will want to weigh in before we sign anything.",
                meaning=(DM, "I'll have to get buy in from leadership"),
            ),
            A("Makes sense. I can join that meeting if it helps."),
        ],
        [
            C(
                "I can approve this on my own, it's within my authority.",
                meaning=(DM, "I can sign off on this myself"),
            ),
            A("That makes things simpler."),
        ],
        [
            A(
                "Who besides you will be part of the decision?",
                meaning=(DM, "who else is involved in the decision"),
            ),
            C("My director, and probably someone from IT."),
        ],
        [
            A(
                "Is anyone else going to need to approve the purchase?",
                meaning=(DM, "does anyone else need to approve this"),
            ),
            C("Procurement, but that's a formality."),
        ],
    ],
    "budget": [
        [
            C("We don't have the budget right now, realistically."),
            A("Understood. Would a smaller pilot help you make the case for next year?"),
        ],
        [
            C("It's not in this year's budget, so we'd be looking at January."),
            A("That's fine. We can plan the rollout around your fiscal year."),
        ],
        [C("Budget is tight this quarter."), A("Let's look at a phased start, then.")],
        [C("That's more than we can afford at the moment."), A("Okay. What range would work for you?")],
        [
            C("We need to get budget approval first."),
            A("Of course. What does that approval usually need from us?"),
        ],
        [
            C("Our budget was cut in the spring."),
            A("Sorry to hear that. Let's see what a smaller start looks like."),
        ],
        [C("Finance is pushing back on the cost."), A("I can put together an ROI summary for them.")],
        [C("The price is a bit steep for us."), A("Let's look at which seats really need the full plan.")],
        [
            C("We're in a spending freeze until September."),
            A("Then let's get everything ready so you can sign the day it lifts."),
        ],
        [
            C("Money's really tight for us after the reorg.", meaning=(BC, "money is tight right now")),
            A("Understood. Let's keep the first phase small."),
        ],
        [
            C(
                "Finance froze all new software purchases until next year.",
                meaning=(BC, "we're in a spending freeze"),
            ),
            A("That happens. Let's keep the conversation going so you're ready."),
        ],
        [
            C(
                "Honestly that's more than we set aside for this.",
                meaning=(BC, "that's way over what we planned"),
            ),
            A("What did you set aside? Let's see what fits."),
        ],
        [
            C(
                "I'm not sure I can get that number approved.",
                meaning=(BC, "I can't get approval for that amount"),
            ),
            A("What number do you think would get through?"),
        ],
        [
            C(
                "We'd have to make a case for every dollar of it.",
                meaning=(BC, "we have to justify the spend"),
            ),
            A("I can help with that case. Most customers see payback within two quarters."),
        ],
    ],
    "objection": [
        [A("I hear you. A lot of our customers felt the same way at first.")],
        [A("That's a fair concern. Let me address that.")],
        [A("I understand where you're coming from.")],
        [A("What's holding you back, if you don't mind me asking?")],
        [A("That's a common question, actually.")],
        [A("What if we started with a smaller pilot?")],
        [A("I totally get that.")],
        [A("How are you solving this problem today?")],
        [A("Can I share how other teams handled that?")],
    ],
    "timeline": [
        [A("What's your timeline for making a decision?"), C("We need this live by next month, ideally.")],
        [A("When would you want the team using it?"), C("We're hoping to roll out this quarter.")],
        [C("How soon can we get started?"), A("We can have your workspace ready this week.")],
        [C("The sooner the better, honestly. We have new hires starting in three weeks.")],
        [C("No rush on our side. We're planning for next year.")],
        [C("We need a decision by Friday because of our board meeting.")],
        [C("We're under a tight deadline with the new hires starting.")],
        [A("What time frame are you working with?"), C("End of September at the latest.")],
        [C("We have to launch before the holidays, that's the hard date.")],
        [C("Can we get this done before end of quarter?"), A("If the paperwork moves this week, yes.")],
        [C("We're not in a hurry, we just want to get it right.")],
    ],
    "trial": [
        [C("Do you have a free trial?"), A("We do, fourteen days with all the features.")],
        [C("Can we try it before we buy?"), A("Yes, I'll set up a trial workspace for you.")],
        [C("How long is the trial?"), A("Fourteen days, and I can extend it if you need.")],
        [C("Can you extend our trial? We lost a week to a holiday."), A("Sure, I'll add another two weeks.")],
        [
            C("Our trial is about to expire and we haven't finished testing."),
            A("No problem, I'll extend it."),
        ],
        [C("What happens when the trial ends?"), A("Your data stays for thirty days, nothing is deleted.")],
        [C("Is a credit card required for the trial?"), A("No card needed.")],
        [
            C("Can we run a pilot with two teams first?"),
            A("Yes, a pilot with clear success criteria works well."),
        ],
        [C("We'd like to test it with real calls, not sample data."), A("That's the best way to test it.")],
        [A("I've set up a trial account for you and your two team leads."), C("Perfect, thanks.")],
        [
            A("We could structure this as a proof of concept with agreed success criteria."),
            C("That would help a lot with our approval."),
        ],
    ],
    "integration": [
        [C("Does it integrate with Salesforce?"), A("Yes, calls and summaries sync to the opportunity.")],
        [C("Do you have a HubSpot integration?"), A("We do, it's native and takes about five minutes.")],
        [C("Can it connect to Zoom?"), A("Yes, and to Google Meet and Teams.")],
        [C("Do you have an API?"), A("Yes, a REST API with full documentation.")],
        [C("Is there a Slack integration?"), A("Yes, you can push summaries to any channel.")],
        [C("Does it work with Microsoft Teams?"), A("It does, both scheduled meetings and calls.")],
        [C("Can we sync data to our CRM?"), A("Yes, automatically after every call.")],
        [C("Do you support webhooks?"), A("We do, for call processed and tracker events.")],
        [C("Is there a Zapier connector?"), A("Yes, it's in their directory.")],
        [C("Is Google Meet supported?"), A("Yes, the bot joins Meet calls too.")],
        [C("Can it pull calls from our dialer?"), A("Most dialers, yes. Which one do you use?")],
        [C("Is there a Python SDK?"), A("There is, and a JavaScript one.")],
        [
            C(
                "Will it hook into the CRM we already use?",
                meaning=("Integration Question", "can we sync data to our CRM"),
            ),
            A("Which CRM is it? We cover the big ones natively."),
        ],
    ],
    "security": [
        [C("Are you SOC 2 compliant?"), A("Yes, SOC 2 Type II, renewed every year.")],
        [C("Do you have a SOC 2 report we can review?"), A("I'll send it under NDA.")],
        [C("Is the data encrypted at rest?"), A("At rest and in transit.")],
        [C("Do you support single sign on?"), A("Yes, on Enterprise.")],
        [C("Can we use SAML?"), A("Yes, with Okta, Azure AD and others.")],
        [C("Can you fill out our security questionnaire?"), A("Of course, send it over.")],
        [C("Where is the data hosted?"), A("In AWS, in the US or the EU, your choice.")],
        [C("Do you offer role based access control?"), A("Yes, with custom roles.")],
        [C("Is there an audit log?"), A("On Enterprise, yes.")],
        [C("Do you support SCIM provisioning?"), A("Yes, with the major identity providers.")],
        [C("Has there ever been a data breach?"), A("No, never.")],
    ],
    "privacy": [
        [C("Are you GDPR compliant? We have a lot of EU customers on our calls."), A("Yes, fully.")],
        [C("Do you sign a DPA?"), A("Yes, we have a standard one ready.")],
        [C("Where do you store EU customer data?"), A("In Frankfurt, if you choose the EU region.")],
        [C("Do you have EU data residency?"), A("Yes, data never leaves the EU region.")],
        [C("Who are your subprocessors?"), A("They're listed on our trust page.")],
        [C("How long do you retain recordings?"), A("By default a year, but you can set it shorter.")],
        [C("Can we opt out of model training?"), A("Yes, and Enterprise is opted out by default.")],
    ],
    "procurement": [
        [
            C("This has to go through procurement, just so you know."),
            A("Sure, what does their process look like?"),
        ],
        [C("Legal needs to review the contract."), A("Of course, I'll send the Word version.")],
        [C("Can you send your MSA?"), A("I'll attach it to the recap.")],
        [C("We'll need to redline the agreement."), A("That's fine, our legal team is quick.")],
        [C("We need a vendor security review as well."), A("Our security team can join a call.")],
        [C("Procurement requires three quotes for anything this size."), A("Understood.")],
        [C("Can you fill out our vendor form?"), A("Yes, send it over.")],
        [C("We need an NDA in place first."), A("No problem, we can sign yours.")],
        [C("Our approval process takes about six weeks."), A("Then let's start it now.")],
    ],
    "implementation": [
        [C("How long does implementation take?"), A("Most teams are live in two weeks.")],
        [C("When can we go live?"), A("If we kick off Monday, the week after.")],
        [
            C("What resources do we need on our side?"),
            A("An admin for a few hours, and someone from IT for SSO."),
        ],
        [C("Do you provide an implementation plan?"), A("Yes, a written plan with owners and dates.")],
        [C("Is there a dedicated implementation manager?"), A("On Enterprise, yes.")],
        [C("How much IT involvement is required?"), A("Very little. SSO is the main piece.")],
        [C("What is the migration process for our old recordings?"), A("We bulk import them for you.")],
    ],
    "case_study": [
        [C("Do you have any case studies?"), A("Several. I'll send the ones closest to your industry.")],
        [C("Can you share a customer story from a company our size?"), A("Yes, I have a good one.")],
        [C("Can I talk to a reference customer?"), A("Sure, I'll set that up.")],
        [C("Do you have ROI data?"), A("We do, from a study with thirty customers.")],
        [C("Who else in our industry uses you?"), A("A few of your peers, I'll share the ones we can name.")],
    ],
    "referral": [
        [C("I was referred by a colleague, actually."), A("Great, who should I thank?")],
        [C("A friend recommended you."), A("Love to hear that.")],
        [C("I heard about you from a peer at a conference."), A("Which one, out of curiosity?")],
        [C("My former company used you, so I know the product a bit."), A("Oh nice, that helps.")],
    ],
    "next_steps": [
        [A("So, as a next step, I'll send over a proposal by Thursday."), C("Sounds good.")],
        [
            C("What are the next steps from here?"),
            A("I'll send a recap, and we'll set up the technical session."),
        ],
        [A("Let's schedule a follow up call for next week with your team."), C("Works for me.")],
        [A("I'll send you a recap by email this afternoon."), C("Great.")],
        [A("Can we get something on the calendar for next week?"), C("Yes, Tuesday or Wednesday is best.")],
        [A("Let's pencil in Thursday, then."), C("Thursday works.")],
        [A("I'll follow up with the contract once legal is happy."), C("Perfect.")],
        [C("Can you send a calendar invite?"), A("Sending it right now.")],
        [A("Let's reconvene next week once you've talked to the team."), C("Sounds like a plan.")],
        [C("Can you send the deck after the call?"), A("Of course.")],
        [A("I'll share the pricing proposal tomorrow."), C("Okay, thanks.")],
        [A("Who should I loop in for the next meeting?"), C("Our IT lead, Sam.")],
        [A("Let's schedule a follow-up call once you've had a chance to review."), C("Good idea.")],
    ],
    "renewal": [
        [C("Our contract is up for renewal in September."), A("Right, that's why I wanted to connect.")],
        [C("When does our contract expire, exactly?"), A("September thirtieth.")],
        [A("Let's talk about the renewal. How has the year gone?"), C("Pretty well, overall.")],
        [C("We want to renew for another year."), A("Great to hear.")],
        [C("Can we lock in the current rate?"), A("On a two year term, yes.")],
        [C("What will the renewal price be?"), A("There's a small uplift, five percent.")],
        [C("We'd like to renew early if that gets us a better rate."), A("It can.")],
        [C("Can we move to a two year term?"), A("Absolutely.")],
        [C("The renewal quote came in higher than last year."), A("Let me walk you through why.")],
        [C("We need to renegotiate the terms a bit."), A("Okay, what would you like to change?")],
        [C("Can we align the renewal with our fiscal year?"), A("Yes, we can co-term it to January.")],
    ],
    "upsell": [
        [C("We're adding more people to the team this fall."), A("How many are you expecting?")],
        [C("We need more seats, probably twenty."), A("I can add those today.")],
        [C("Can we add another department? Customer success wants in."), A("Yes, as a separate team.")],
        [C("We're hitting our usage limit every month."), A("Let's look at a bigger minute pool.")],
        [C("What do we get if we upgrade?"), A("SSO, audit logs and the coaching module.")],
        [C("We'd like to upgrade to enterprise next quarter."), A("Great, I'll prepare the order.")],
        [C("Are there any add ons we should know about?"), A("Coaching and advanced analytics.")],
        [C("We're expanding to Europe next year."), A("We can host that data in the EU.")],
        [C("Our other teams want access too."), A("Love to hear it.")],
        [C("We keep running out of minutes."), A("Then the larger pool would pay for itself.")],
        [C("We want to roll this out company wide."), A("Let's plan that together.")],
        [C("Can we add the coaching module?"), A("Yes, it's a simple add-on.")],
        [C("How much for another twenty licenses?"), A("I'll send a quote this afternoon.")],
    ],
    "onboarding": [
        [C("We just signed and need onboarding."), A("Welcome aboard! Let's get that set up.")],
        [C("Who is our onboarding contact?"), A("That'll be Rachel from customer success.")],
        [C("Can we schedule a kickoff call?"), A("Yes, how does next Tuesday look?")],
        [C("Is there a training session for new users?"), A("Every Wednesday, and we can do a private one.")],
        [C("How long does onboarding usually take?"), A("Two to three weeks for most teams.")],
        [C("Can we get a training recording for people who miss it?"), A("Yes, we'll share it.")],
        [C("What do we need to prepare before kickoff?"), A("A list of users and your calendar settings.")],
        [C("How do we get started?"), A("I'll send a checklist right after this call.")],
    ],
    "positive": [
        [C("This is great, by the way. The team's been asking for this for ages.")],
        [C("I love this feature.")],
        [C("You've been really helpful, thank you.")],
        [C("Thanks so much for your help.")],
        [C("The team loves it, honestly.")],
        [C("It's been a game changer for our onboarding.")],
        [C("It's super easy to use.")],
        [C("We've saved so much time on call notes.")],
        [C("Your support team is fantastic.")],
        [C("This is exactly what we needed.")],
        [
            C(
                "The summaries alone have made my week so much easier.",
                meaning=("Positive Feedback", "this saved my team hours"),
            )
        ],
    ],
    # -- support ---------------------------------------------------------------------------
    "verify": [
        [
            A("Can I get the email address on the account?"),
            C("Sure, it's {email}."),
            A("Thanks, I've got your account up.", gap=6),
        ],
        [
            A("Which workspace is this about?"),
            C("The main one, {co}."),
            A("Got it, I can see it here.", gap=5),
        ],
        [A("Let me pull up your account. What's the company name?"), C("{co}."), A("Okay, found it.", gap=8)],
        [
            A("Before we start, can you confirm the email you log in with?"),
            C("It's {email}."),
            A("Perfect, thank you.", gap=5),
        ],
    ],
    "billing": [
        [C("I was charged twice this month.")],
        [C("My bill is higher than expected.")],
        [C("There's a mistake on my bill.")],
        [C("Why was I charged for this? We didn't add anything.")],
        [C("The amount on the invoice is wrong.")],
        [C("I don't recognize this charge on our card statement.")],
        [C("We were charged after we cancelled the extra seats.")],
        [C("I need to update my billing address, we moved offices.")],
        [C("Why did my bill go up this month?")],
        [C("Can you explain each line item? I don't follow it.")],
        [C("Our subscription renewed without warning.")],
        [C("Why am I being billed monthly instead of annually?")],
        [C("The invoice shows the wrong company name.")],
        [
            C(
                "There's a line on the statement I can't make sense of.",
                meaning=("Billing Issue", "I don't recognize this charge"),
            )
        ],
        [
            C(
                "We got billed for July even though we'd already shut those seats off.",
                meaning=("Billing Issue", "we were charged after we cancelled"),
            )
        ],
    ],
    "billing_fix": [
        [
            A("Let me look at the last few invoices.", gap=2),
            A(
                "Okay, I can see the duplicate charge from the third. I've reversed it, and you'll get a "
                "confirmation email in the next few minutes.",
                gap=18,
            ),
            C("Okay, thank you."),
        ],
        [
            A("Give me a second to compare the two invoices."),
            A(
                "So it looks like twelve seats were added by one of your admins on the tenth, which explains "
                "the difference. They're prorated for the rest of the term.",
                gap=22,
            ),
            C("Oh. I'll check with them, then."),
        ],
        [
            A(
                "I've corrected the invoice and sent a new copy to your billing contact. The old one is "
                "void.",
                gap=25,
            ),
            C("Thanks."),
        ],
        [
            A(
                "I see what happened. You were moved to monthly billing when the card was updated in May. "
                "I've switched it back to annual, and the difference will show as a credit.",
                gap=20,
            ),
            C("Great, thanks for sorting that out."),
        ],
    ],
    "refund": [
        [C("Can I get my money back for those seats?")],
        [C("I'd like a full refund for this month.")],
        [C("Please refund the extra charge.")],
        [C("What is your refund policy?")],
        [C("Can you reverse that charge?")],
        [C("When will I see the refund?")],
        [C("We were billed for seats we don't use.")],
        [C("I never authorized this charge.")],
        [C("Is the refund prorated?")],
        [C("I cancelled but was still charged.")],
        [
            C(
                "Can you just send the money back to our card?",
                meaning=("Refund Request", "can I get my money back"),
            )
        ],
    ],
    "refund_fix": [
        [
            A(
                "I've processed the refund. It goes back to the card on file, usually within five to seven "
                "business days depending on your bank.",
                gap=15,
            ),
            C("Okay."),
        ],
        [
            A(
                "The refund is prorated to the day you removed the seats, so it's a partial amount. You'll "
                "see the breakdown in the email.",
                gap=12,
            ),
            C("That's fair."),
        ],
        [
            A("Alright, I've put the refund through. You'll get an email confirmation shortly.", gap=14),
            C("Thank you."),
        ],
    ],
    "invoice": [
        [C("Can you send me the invoice for June?")],
        [C("I need a copy of the invoice for March for our auditors.")],
        [C("Where can I download my invoices?")],
        [C("Please email the invoice to accounts payable.")],
        [C("We need a PO number on the invoice.")],
        [C("Can you add our VAT number?")],
        [C("I need a receipt for my records.")],
        [C("Do you support net 30 terms?")],
    ],
    "payment": [
        [C("My card was declined when I tried to add seats.")],
        [C("The payment didn't go through and now we got a warning.")],
        [C("My credit card expired last month.")],
        [C("I need to update my card on file.")],
        [C("We received a failed payment email this morning.")],
        [C("Why is my account suspended for non payment? We paid.")],
        [C("Can I pay by bank transfer instead?")],
        [C("The checkout page keeps giving an error.")],
        [C("Can you retry the charge? I updated the card.")],
        [C("Can we switch to paying by invoice?")],
    ],
    "login": [
        [C("I can't log in since this morning.")],
        [C("I'm locked out of my account.")],
        [C("It says invalid credentials, but the password is right.")],
        [C("SSO login is failing for the whole sales team.")],
        [C("I never got the verification code.")],
        [C("Two factor isn't working on my new phone.")],
        [C("The login page keeps redirecting me back to itself.")],
        [C("I can't sign in with Google anymore.")],
        [C("My account got locked after too many attempts.")],
        [C("The magic link doesn't work, it just says expired.")],
        [C("I can't access my account at all.")],
    ],
    "password": [
        [C("I forgot my password.")],
        [C("How do I change my password?")],
        [C("The password reset email never arrived.")],
        [C("The reset link expired before I could use it.")],
        [C("Can you send me a new reset link?")],
        [C("I need a temporary password so I can get into a meeting.")],
        [C("Can an admin reset a password for me? Our admin is out.")],
        [C("Can you just reset my password?")],
    ],
    "login_fix": [
        [
            A("Let me check the sign-in logs.", gap=2),
            A(
                "I can see the lockout from this morning. I've cleared it, so try signing in again now.",
                gap=16,
            ),
            C("Okay, give me a second.", gap=1),
            C("Yes, it worked. I'm in.", gap=9),
        ],
        [
            A(
                "Your SSO certificate expired yesterday, which is why everyone is bounced back to the login "
                "page. Your admin needs to upload the new one under Security settings.",
                gap=20,
            ),
            C("Ah, okay. I'll tell our IT team right away."),
        ],
        [
            A("I've sent a new reset link to your email. It's valid for an hour.", gap=8),
            C("Got it. It's here.", gap=4),
        ],
        [
            A(
                "The codes were going to your old phone number. I've reset two factor so you can enroll the "
                "new phone next time you sign in.",
                gap=15,
            ),
            C("Perfect, thanks."),
        ],
    ],
    "bug": [
        [C("It keeps crashing when I open a long call.")],
        [C("I think I found a bug in the search.")],
        [C("The page won't load for any call from last week.")],
        [C("I'm getting an error message when I share a clip.")],
        [C("The transcript is missing for yesterday's call.")],
        [C("Nothing happens when I click save on the scorecard.")],
        [C("The export is broken, the file is empty.")],
        [C("It worked yesterday but not today.")],
        [C("The numbers in the report are wrong.")],
        [C("I get a 500 error when I open the team dashboard.")],
        [C("The recording has no audio.")],
        [C("The integration stopped syncing with Salesforce.")],
        [C("The dashboard is blank for me.")],
        [C("I cleared my cache and it still doesn't work.")],
        [C("The transcript is out of sync with the audio.")],
        [C("Search isn't returning any results.")],
        [C("The Chrome extension isn't working.")],
        [C("The upload is stuck at ninety percent.")],
        [C("The timestamps are off by a few seconds.")],
        [C("The summary is empty on half of my calls.")],
        [C("The webhook isn't firing since Monday.")],
        [C("Action items aren't showing up in the summary.")],
        [C("Something broke after the last update.")],
        [C("It only happens in Safari.")],
        [
            C(
                "The little bot thing didn't show up to my meeting at all.",
                meaning=("Technical Issue / Bug Report", "the bot never joined the meeting"),
            )
        ],
        [
            C(
                "All the names in the transcript are attached to the wrong people.",
                meaning=("Technical Issue / Bug Report", "the speaker labels are mixed up"),
            )
        ],
    ],
    "bug_triage": [
        [
            A("Can you reproduce the issue while I watch? I'll send you a screen share link."),
            C("Sure, one second.", gap=2),
            C("There, it just did it again.", gap=12),
        ],
        [A("Which browser and version are you on?"), C("Chrome, the latest one, I think. On a Mac.")],
        [
            A("Could you send me a screenshot of what you're seeing?"),
            C("I attached a screenshot of the error to the ticket this morning."),
        ],
        [
            A("Does it happen for everyone on the team or just you?"),
            C("A few people, not everyone. The ones on the sales team, mostly."),
        ],
        [
            A(
                "Okay. I've filed this with engineering with your examples attached, and I've linked your "
                "ticket.",
                gap=20,
            ),
            C("Will I get updates?"),
            A("Yes, you'll get an email every time the ticket changes."),
        ],
        [
            A(
                "I can see the errors on our side. It's a known issue with the latest release, and a fix is "
                "being tested.",
                gap=18,
            ),
            C("Is there a workaround in the meantime?"),
            A(
                "Yes, if you open the call from the list view instead of the search results, it loads "
                "normally."
            ),
        ],
    ],
    "outage_open": [
        [C("Is the service down? Nothing's loading for me.")],
        [C("The whole platform is down for us.")],
        [C("We're seeing an outage across all our workspaces.")],
        [C("Nothing is loading for anyone on our team.")],
        [C("Hi, everything is timing out on our side, the dashboard and the recordings.")],
        [
            C(
                "Your whole site seems to be dead for us right now.",
                meaning=("Outage / Downtime", "the whole platform is down"),
            )
        ],
    ],
    "outage": [
        [C("Is there a status page I can check?")],
        [C("When will it be back up? We have customer calls all afternoon.")],
        [C("We've had downtime all morning.")],
        [C("Is this a known incident?")],
        [C("The API is returning errors for everyone.")],
        [C("How long will the outage last?")],
        [C("We lost a day of recordings because of the outage.")],
        [C("Is anyone else having issues, or is it just us?")],
        [C("Everything is timing out.")],
        [C("Do you have an ETA for the fix?")],
        [
            C(
                "None of our calls have been processed since nine.",
                meaning=("Outage / Downtime", "we've had downtime all morning"),
            )
        ],
    ],
    "outage_update": [
        [
            A(
                "Yes, we're aware of it. Our engineers are working on it right now, and the status page is "
                "updated every thirty minutes."
            ),
            C("Okay."),
        ],
        [
            A(
                "It's an issue with one of our cloud regions. Your recordings are queued, not lost, and "
                "they'll process once we're back."
            ),
            C("That's a relief, at least."),
        ],
        [
            A(
                "I don't have an exact time yet. I'll email you as soon as it's resolved, and I've added "
                "your account to the incident."
            ),
            C("Please do."),
        ],
    ],
    "frustration": [
        [C("This is ridiculous.")],
        [C("I'm really frustrated, to be honest.")],
        [C("I've been waiting for weeks for an answer.")],
        [C("Nobody is getting back to me.")],
        [C("This is unacceptable.")],
        [C("I'm fed up.")],
        [C("I've explained this three times already.")],
        [C("Why is this so difficult?")],
        [C("You keep telling me the same thing.")],
        [C("We're paying a lot for this.")],
        [C("This has been a nightmare.")],
        [C("I'm very disappointed.")],
        [C("I want this fixed now.")],
        [C("I've been on hold forever.")],
        [C("This keeps happening.")],
        [C("I'm sick of this.")],
        [C("It's been broken for days.")],
        [C("I can't believe this is still an issue.")],
        [C("This is costing us money.")],
        [C("I've opened five tickets about this.")],
        [C("Honestly I'm at the end of my rope with this.", meaning=(CF, "I'm losing my patience"))],
    ],
    "empathy": [
        [A("I'm sorry about that. I understand how disruptive it is.")],
        [A("I completely understand, and I apologize for the hassle.")],
        [A("I'm sorry, that's not the experience we want you to have.")],
    ],
    "escalation": [
        [C("I want to speak to a supervisor.")],
        [C("Can you escalate this?")],
        [C("Please escalate this ticket.")],
        [C("This needs to go to a higher level.")],
        [C("I need this escalated today.")],
        [C("I want to file a formal complaint.")],
        [C("This is the third time I've called about this.")],
        [C("Get me someone from engineering.")],
        [C("I've been passed around enough.")],
        [C("Please flag this as high priority.")],
        [C("This is business critical.")],
    ],
    "manager": [
        [C("Is there a manager I can talk to?")],
        [C("Can I talk to your boss?")],
        [C("Transfer me to a supervisor, please.")],
        [C("Put me through to your supervisor.")],
        [C("Who is your supervisor?")],
    ],
    "escalation_answer": [
        [A("I've escalated this to our tier two team, and I've marked it urgent."), C("Thank you.")],
        [A("My team lead is going to take this over personally."), C("Okay, good.")],
    ],
    "hold": [
        [
            A("Can you hold for a moment while I check?"),
            C("Sure."),
            A("Thanks for holding. I found what happened.", gap=45),
        ],
        [
            A("I'm going to put you on hold for a minute while I look into this."),
            C("Okay."),
            A("Sorry for the wait. I've got an answer for you.", gap=70),
        ],
        [
            A("One moment please, I'm checking the logs."),
            C("Okay."),
            A("I'll be right back with you.", gap=20),
            A("Okay, I'm back.", gap=25),
        ],
    ],
    "transfer_billing": [
        [
            A("Let me bring in someone from our billing team, please hold while I connect you."),
            C("Fine."),
            A2("Hi, this is {a2} from billing. {a} filled me in, and I can see the charge you mean.", gap=35),
        ],
        [
            A("I'll transfer you to the right department, they can see the payment records."),
            C("Okay."),
            A2("Hi, {a2} here from billing. I've read the notes, so no need to repeat anything.", gap=40),
        ],
    ],
    "transfer_technical": [
        [
            A("Let me connect you with a specialist from our technical team."),
            C("Sure."),
            A2("Hello, {a2} here from the technical team. I'm looking at your workspace now.", gap=30),
        ],
        [
            A("Please hold while I connect you with one of our engineers on the support team."),
            C("Okay."),
            A2("Hi, it's {a2}. {a} gave me the details, let me check the logs.", gap=40),
        ],
    ],
    "callback": [
        [C("Can someone call me back this afternoon?"), A("Of course.")],
        [C("Please call me back when you know more."), A("I will.")],
        [C("Can you call me tomorrow morning?"), A("Sure, around nine?")],
        [C("Call me back on my cell, I'll be out of the office."), A("Will do.")],
        [C("Can we talk later this afternoon? I have a meeting now."), A("Of course.")],
        [A("What's the best number to reach you?"), C("My cell, it's on the ticket.")],
        [A("I'll have one of our representatives call you back today."), C("Okay.")],
        [A("When is a good time to call you with an update?"), C("Anytime after two.")],
    ],
    "cancel": [
        [C("I want to cancel my subscription.")],
        [C("We've decided not to renew.")],
        [C("We're thinking about switching providers.")],
        [C("How do I cancel?")],
        [C("Please close my account.")],
        [C("I'd like to cancel before the renewal date.")],
        [C("Don't renew our contract, please.")],
        [C("We won't be renewing.")],
        [C("What's the cancellation policy?")],
        [C("Do you charge a fee to cancel?")],
        [C("Stop billing me.")],
        [C("We no longer need the service.")],
        [C("Turn off auto renew, please.")],
        [C("Can I cancel anytime?")],
        [C("We're shutting down our account.")],
        [C("We want out of the contract.")],
        [
            C(
                "We'd like to wind down the account at the end of the term.",
                meaning=(CI, "I'd like to close out our plan"),
            )
        ],
    ],
    "churn": [
        [C("We're not getting value out of this.")],
        [C("Nobody on the team is using it.")],
        [C("It's too expensive for what we get.")],
        [C("We're reconsidering the renewal.")],
        [C("Leadership wants to cut tools.")],
        [C("We're consolidating vendors.")],
        [C("This isn't working for us.")],
        [C("Adoption has been really low.")],
        [C("I'm not sure we'll renew.")],
        [C("We're evaluating alternatives.")],
        [C("We're moving to a different platform.")],
        [C("Our champion just left the company.")],
        [C("We're cutting back on software spend.")],
        [C("The team went back to the old tool.")],
        [C("We're not seeing the ROI.")],
        [C("Half the reps haven't logged in since spring.", meaning=(CR, "adoption has been really low"))],
    ],
    "retention": [
        [
            A("I understand. Before you go, one option is to pause the account for up to three months."),
            C("Hmm. Let me think about that."),
        ],
        [
            A("I'm sorry to hear that. Can I ask what would have made it work for you?"),
            C("Better adoption, mostly. That's on us too."),
        ],
        [A("I can process that. The account stays active until the end of the current term."), C("Okay.")],
        [
            A("I'll pass your feedback to your account manager, and I've noted the cancellation request."),
            C("Thanks."),
        ],
    ],
    "setup": [
        [C("How do I add users?"), A("From Settings, then Members, then Invite.")],
        [C("How do I invite my team?"), A("Send invites from the Members page, or share the invite link.")],
        [C("Can you help me set up our account?"), A("Of course, let's go step by step.")],
        [C("Where do I change the workspace name?"), A("Under Settings, General.")],
        [C("How do I assign admin rights?"), A("Open the member and change the role to Admin.")],
        [C("How do I remove a user?"), A("From the Members page, the menu next to their name.")],
        [C("Can we change the account owner?"), A("Yes, the current owner has to approve it.")],
        [C("How do I configure SSO for our domain?"), A("I'll send you the setup guide.")],
    ],
    "feature": [
        [
            C("It would be nice if you could add a way to share clips externally."),
            A("I'll log that for the product team."),
        ],
        [C("Is that on the roadmap?"), A("It's being worked on, no date yet.")],
        [C("Can you add dark mode?"), A("It's a popular request!")],
        [C("We'd really like a bulk export."), A("Noted.")],
        [C("Any plans for a mobile app?"), A("There's one in beta, I can add you.")],
        [C("It would help if we could filter by date."), A("You can, it's under the funnel icon.")],
        [C("We need a way to tag calls."), A("I'll pass that on.")],
        [C("Could you add an integration with Jira?"), A("I'll add your vote to that request.")],
        [C("We'd pay extra for that feature, honestly."), A("Good to know, I'll pass that along.")],
        [C("When will that be available?"), A("I don't have a date yet.")],
    ],
    "survey": [
        [A("You'll receive a survey after this call. We'd love your feedback.")],
        [A("Would you mind taking a short survey at the end?"), C("Sure.")],
        [
            A("On a scale of one to ten, how likely are you to recommend us to a colleague?"),
            C("Probably an eight."),
        ],
        [
            A("Before you go, how satisfied are you with how this was handled?"),
            C("Pretty satisfied, thanks."),
        ],
        [A("Is there anything we could do better?"), C("Just faster answers, maybe.")],
    ],
}

RC = "Call Recording Consent"

# More paraphrases: sentences Symbl matched to a phrase by meaning although no phrase occurs literally.
MORE_PARAPHRASES: dict[str, list[list[Line]]] = {
    "next_steps": [
        [
            C("So where do we go from here?", meaning=("Next steps", "what are the next steps")),
            A("I'll send a short summary and a proposal, and we'll book time with your IT lead."),
        ],
        [
            A(
                "I'll write up what we covered and get it to you by end of day.",
                meaning=("Next steps", "I'll send you a recap by email"),
            ),
            C("Perfect."),
        ],
    ],
    "timeline": [
        [
            C(
                "We'd want people using it before the new hires start in September.",
                meaning=(TU, "we need this live by next month"),
            )
        ],
        [C("Honestly, yesterday would have been good.", meaning=(TU, "we need it yesterday"))],
    ],
    "integration": [
        [
            C(
                "Our reps live in Outlook. Will it see their calendars?",
                meaning=("Integration Question", "how do we connect our calendar"),
            ),
            A("Yes, it connects to Outlook and Google calendars and joins scheduled meetings."),
        ],
    ],
    "security": [
        [
            C(
                "Our security team will ask how you keep the recordings locked down.",
                meaning=("Security & Compliance", "is the data encrypted at rest"),
            ),
            A("Everything is encrypted at rest and in transit, and access is role based."),
        ],
    ],
    "trial": [
        [
            C(
                "Could we kick the tires for a couple of weeks first?",
                meaning=("Free Trial", "can we try it before we buy"),
            ),
            A("Absolutely, I'll set up a two week trial."),
        ],
    ],
    "implementation": [
        [
            C(
                "Realistically, how long until the whole team is up and running?",
                meaning=("Implementation Timeline", "how long does implementation take"),
            ),
            A("For a team your size, two to three weeks end to end."),
        ],
    ],
    "renewal": [
        [
            C(
                "Our year with you wraps up in the fall, so I wanted to start that conversation early.",
                meaning=("Contract Renewal", "our contract is up for renewal"),
            ),
            A("I appreciate that. Let's look at how the year went first."),
        ],
    ],
    "upsell": [
        [
            C(
                "Marketing saw what we're doing and wants in as well.",
                meaning=("Upsell - Expansion", "our other teams want access too"),
            ),
            A("That's great to hear. How many people would that be?"),
        ],
    ],
    "onboarding": [
        [
            C(
                "What does the first week look like once the paperwork is done?",
                meaning=("Onboarding", "how do we get started"),
            ),
            A("A kickoff call, workspace setup, and a training session for managers."),
        ],
    ],
    "billing": [
        [
            C(
                "The total this month doesn't look anything like what we agreed.",
                meaning=("Billing Issue", "my bill is higher than expected"),
            )
        ],
    ],
    "invoice": [
        [
            C(
                "Our finance team needs the paperwork for last month's payment.",
                meaning=("Invoice Request", "send me the invoice"),
            )
        ],
    ],
    "payment": [
        [
            C(
                "The bank bounced our payment for some reason.",
                meaning=("Payment Failure", "payment was rejected by the bank"),
            )
        ],
    ],
    "login": [
        [
            C(
                "I keep entering my details and it just won't let me in.",
                meaning=("Login Problem", "I can't log in"),
            )
        ],
    ],
    "password": [
        [
            C(
                "I need to pick a new password, the old one leaked in a breach somewhere.",
                meaning=("Password Reset", "I'd like to set a new password"),
            )
        ],
    ],
    "bug": [
        [
            C(
                "When I hit the download button I get a file full of question marks.",
                meaning=("Technical Issue / Bug Report", "the CSV export has garbled characters"),
            )
        ],
    ],
    "frustration": [
        [C("Honestly, I'm done being patient about this.", meaning=(CF, "I'm losing my patience"))],
        [C("Every week it's a new problem with you guys.", meaning=(CF, "this keeps happening"))],
    ],
    "escalation": [
        [
            C(
                "I need someone above you to look at this.",
                meaning=("Escalation Request", "I want to talk to someone more senior"),
            )
        ],
    ],
    "callback": [
        [
            C(
                "Could you ring me once engineering knows more?",
                meaning=("Callback request", "please call me back"),
            ),
            A("Of course, I'll call you as soon as I hear back."),
        ],
    ],
    "cancel": [
        [C("We'd like to end things with you when the term is up.", meaning=(CI, "we won't be renewing"))],
    ],
    "churn": [
        [
            C(
                "Frankly, the team stopped opening it after the first month.",
                meaning=(CR, "nobody on the team is using it"),
            )
        ],
    ],
    "setup": [
        [
            C(
                "How do I get my colleagues into the workspace?",
                meaning=("Account Setup", "how do I invite my team"),
            ),
            A("From Settings, then Members, then Invite. You can paste a list of emails."),
        ],
    ],
    "feature": [
        [
            C(
                "It'd be great to see calls grouped by customer, if that's something you're working on.",
                meaning=("Feature Request", "do you have plans to support"),
            ),
            A("I'll log that for the product team."),
        ],
    ],
    "survey": [
        [
            A("How did we do today, from your side?", meaning=("NPS / Survey", "how satisfied are you")),
            C("Good, you fixed it quickly."),
        ],
    ],
    "referral": [
        [
            C(
                "Someone in my network swears by you, so here I am.",
                meaning=("Referral", "I heard about you from a peer"),
            ),
            A("That's great to hear."),
        ],
    ],
    "case_study": [
        [
            C(
                "Have other companies like ours actually seen results?",
                meaning=("Case Study Request", "what results have other companies seen"),
            ),
            A("Yes, I'll send a couple of examples with numbers."),
        ],
    ],
    "procurement": [
        [
            C(
                "Our lawyers will want to go through the terms line by line.",
                meaning=("Procurement / Legal Review", "legal needs to review the contract"),
            ),
            A("That's normal, I'll send the editable version."),
        ],
    ],
    "comparison": [
        [
            C(
                "What's really the difference between you and the rest of the market?",
                meaning=(PC, "what are the main differentiators"),
            ),
            A("Meaning-based trackers and coaching in one place."),
        ],
    ],
    "positive": [
        [
            C(
                "Honestly, you've made my life a lot easier.",
                meaning=("Positive Feedback", "you've been really helpful"),
            )
        ],
    ],
}
BLOCKS["recording"] = [
    [
        A("Before we start, just so you know, this call may be recorded for quality purposes. Is that okay?"),
        C("Sure, that's fine."),
    ],
    [A("Quick heads up, this call is being recorded for quality purposes."), C("No problem.")],
    [
        A("Do I have your permission to record? It's just so I can focus instead of taking notes."),
        C("Yes, go ahead."),
    ],
    [A("Is it okay if I record this call? I use the recording for my notes."), C("Sure.")],
    [A("I'm going to start the recording now, if that's alright."), C("Yep.")],
    [A("Okay, recording has started, so we're all set.")],
    [A("We record all calls for compliance, just so you're aware."), C("Understood.")],
    [A("The call is recorded for training purposes, just so you know."), C("Okay.")],
    [A("Do you consent to being recorded today?"), C("I do.")],
    [
        A(
            "Just a heads up that our notetaker is capturing this session, hope that's fine.",
            meaning=(RC, "do you consent to being recorded"),
        ),
        C("That's fine."),
    ],
]
BLOCKS["payment_fix"] = [
    [
        A(
            "I've retried the charge and it went through. Your account is active again, nothing was lost.",
            gap=15,
        ),
        C("Great, thanks."),
    ],
    [A("The new card is saved, and the warning banner will clear within the hour.", gap=12), C("Okay.")],
    [
        A(
            "Yes, I can switch you to bank transfer. I'll email the account details and the reference to "
            "use.",
            gap=6,
        ),
        C("Thanks."),
    ],
]

for _block, _exchanges in MORE_PARAPHRASES.items():
    BLOCKS[_block].extend(_exchanges)

# Second sentences an agent adds to an answer: real answers run longer than the question.
FOLLOW_ONS: dict[str, list[str]] = {
    "commercial": [
        "I'll put all of that in writing after the call so you can share it.",
        "And that rate is locked for the length of the contract.",
        "I can model a couple of scenarios for you if that helps the internal conversation.",
        "Most teams your size start there and adjust at the first renewal.",
        "None of that changes if you add seats halfway through the year.",
    ],
    "competitive": [
        "A lot of our customers came from one of those tools, so we know the migration well.",
        "The best test is to run both on a week of your own calls and compare.",
        "I'd rather show you than tell you, so let's put it on the list for the technical session.",
        "Reviewers mostly mention the accuracy and the support, for what it's worth.",
    ],
    "technical": [
        "I'll send the documentation link after the call.",
        "Our solutions engineer can go deeper on that in a technical session.",
        "It's all written up in our trust center as well.",
        "Setup is usually a few minutes for an admin.",
        "We have customers in regulated industries running exactly that setup.",
    ],
    "relationship": [
        "I really appreciate you being open about that.",
        "That's really helpful context for me.",
        "We'll make sure the next steps reflect that.",
        "Let me make a note of that so the whole team has it.",
    ],
    "support": [
        "I've added a note to your account so whoever picks up next has the full context.",
        "You'll also get an email with a summary of what we changed.",
        "If it happens again, just reply to the ticket and it comes straight back to me.",
        "I've also checked the rest of the account and everything else looks fine.",
    ],
}
FOLLOW_ON_OF_BLOCK = {
    **dict.fromkeys(["pricing", "discount", "renewal", "upsell", "special_offer"], "commercial"),
    **dict.fromkeys(["competitor", "comparison", "case_study"], "competitive"),
    **dict.fromkeys(
        ["integration", "security", "privacy", "implementation", "trial", "onboarding"], "technical"
    ),
    **dict.fromkeys(["discovery", "decision", "referral"], "relationship"),
    **dict.fromkeys(
        [
            "billing_fix",
            "refund_fix",
            "payment_fix",
            "login_fix",
            "bug_triage",
            "setup",
            "feature",
            "retention",
        ],
        "support",
    ),
}

SALES_GREETINGS = [
    [A("Hi, thanks for joining, {c}. I'm {a} from Acme Cloud."), C("Hi {a}, thanks for having me.")],
    [A("{daypart}, {c}! Thanks for taking the time today."), C("Of course. Glad we could find a slot.")],
    [A("Hey, how's it going, {c}? Thanks for getting on the call."), C("Good, thanks. Busy week, but good.")],
    [A("Hi {c}, nice to meet you. I'm {a} from Acme Cloud."), C("Hey, good to meet you too.")],
    [A("Hi {c}, hope you're having a good week."), C("So far so good, thanks.")],
    [A("Hi {c}, can you hear me okay?"), C("Yes, loud and clear.")],
    [A("Hi {c}, thanks for making the time."), C("Sure, happy to.")],
]
ALEX_GREETING = [
    A("Hi {c}, this is Alex from Acme Cloud. Thanks for joining."),
    C("Hi Alex, good to see you."),
]
SUPPORT_GREETINGS = [
    [A("Thank you for calling Acme Cloud support, this is {a}. How can I help you today?")],
    [A("You've reached Acme Cloud support, my name is {a}. What can I do for you?")],
    [A("{daypart_short}, thanks for calling in. This is {a}.")],
    [A("Acme Cloud support, {a} speaking. How are you doing today?"), C("I've been better, honestly.")],
    [A("Hi, you're through to Acme Cloud support. How are you doing today?"), C("Fine, thanks. Mostly.")],
    [A("Acme Cloud support, this is {a}. How can I help you today?")],
    [A("Acme Cloud support, this is {a}.")],
]
SALES_CLOSINGS = [
    [A("Thanks for your time, {c}. Talk to you soon."), C("Thanks, {a}. Bye.")],
    [A("It was great speaking with you. Enjoy the rest of your week."), C("You too, bye.")],
    [A("Great, I'll let you go. Have a great day."), C("Thanks, you too.")],
    [A("Thanks, {c}. Take care."), C("Bye now.")],
    [A("Alright, thanks everyone. Bye for now."), C("Bye.")],
    [A("Thanks, {c}. Speak next week."), C("Sounds good. Bye.")],
]
SUPPORT_CLOSINGS = [
    [
        A("Is there anything else I can help with?"),
        C("No, that's all."),
        A("Thanks for your patience today. Have a great day."),
    ],
    [A("Anything else I can do for you?"), C("No, that's it, thanks."), A("Take care.")],
    [
        A("Is there anything else I can help with today?"),
        C("Nope, you've sorted it."),
        A("Great. Thanks for calling, bye."),
    ],
    [
        A("I'll send a summary shortly with everything we did."),
        C("Appreciate your help today."),
        A("Anytime. Bye."),
    ],
    [A("Okay, you're all set."), C("Thanks, bye.")],
]

# Planted lines placed in chosen calls (never drawn at random), keyed by the block they join.
SPECIALS: dict[str, tuple[str, list[Line]]] = {
    "wrong_context_cancel": (
        "next_steps",
        [
            A("I'll send over a new invite for the technical session on Friday."),
            C(
                "Oh, and how do I cancel the invite you sent for Thursday? It's still on my calendar.",
                tag="wrong_context",
            ),
            A("Just decline it, no problem. The Friday one replaces it."),
        ],
    ),
    "wrong_context_waiting": (
        "demo_request",
        [
            C("I've been waiting for weeks to see this, so I'm excited.", tag="wrong_context"),
            A("Great, let's dive right in then."),
        ],
    ),
    "wrong_context_outage": (
        "discovery",
        [
            A("How do your agents handle it when your own phone system goes down?"),
            C(
                "When we're seeing an outage on our side, agents switch to a backup line and log calls by "
                "hand.",
                tag="wrong_context",
            ),
        ],
    ),
    "typo_refund": (
        "refund",
        [
            C(
                "How long does the refund take to process?",
                meaning=("Refund Request", "how long does the refnud take to process"),
                tag="typo",
            )
        ],
    ),
    "typo_invoice": (
        "invoice",
        [
            C(
                "Can you resend the invoice please? I can't find the email.",
                meaning=("Invoice Request", "can you resend the invocie please"),
                tag="typo",
            )
        ],
    ),
    "typo_login": (
        "login",
        [
            C(
                "My password isn't working anymore.",
                meaning=("Login Problem", "my pasword isn't working anymore"),
                tag="typo",
            )
        ],
    ),
    "typo_cancel": (
        "cancel",
        [
            C(
                "Please end my subscription this month.",
                meaning=(CI, "please end my subscripton this month"),
                tag="typo",
            )
        ],
    ),
    "typo_churn": (
        "churn",
        [
            C(
                "We might cancel at the end of the quarter if this doesn't improve.",
                meaning=(CR, "we might cancle at the end of the quarter"),
                tag="typo",
            )
        ],
    ),
    "language_gated": (
        "cancel",
        [
            C(
                "Hi. I'm calling about our contract. My colleague from our Madrid office is here with me, "
                "and he keeps saying "
                '"quiero darme de baja", which is basically: we want out of the contract.',
                tag="language_gated",
            )
        ],
    ),
    "borderline_hold": (
        "next_steps",
        [
            C(
                "Can you hold Thursday at two for us? I need to confirm with the team.",
                meaning=("Hold/Transfer", "can you hold for a moment"),
                tag="borderline",
            ),
            A("Done, the slot is yours."),
        ],
    ),
    "borderline_lease": (
        "discovery",
        [
            C(
                "Our old office lease was a lot cheaper, so everything feels expensive this year.",
                meaning=(CM, "our old vendor was a lot cheaper"),
                tag="borderline",
            )
        ],
    ),
    "borderline_reply": (
        "billing_fix",
        [
            A(
                "If anything else comes up, just reply to my email and we'll pick it up from there.",
                meaning=("Callback request", "can someone call me back"),
                tag="borderline",
            )
        ],
    ),
    "borderline_credit": (
        "refund",
        [
            C(
                "When will the credit be back on my account?",
                meaning=("Outage / Downtime", "when will it be back up"),
                tag="borderline",
            )
        ],
    ),
    "borderline_okay": (
        "login_fix",
        [C("Okay. Sure, that works.", meaning=("Positive Feedback", "this is great"), tag="borderline")],
    ),
    "literal_and_meaning": (
        "pricing",
        [
            C(
                "How much does it cost, and is there anything cheaper for a small team like ours?",
                meaning=(PI, "is there a cheaper plan"),
                tag="literal_and_meaning",
            ),
            A("Starter is the cheaper option, at nineteen dollars a seat."),
        ],
    ),
}

CANCELACION = "Cancelación de Servicio"
SPANISH_CALLS: list[list[Line]] = [
    [
        A("Acme Cloud, {daypart_es}, le atiende {a}. ¿En qué puedo ayudarle?"),
        C(
            "Hola, {daypart_es}. Mire, llamo porque queremos dejar la plataforma. ¿Cómo puedo cancelar mi "
            "suscripción?"
        ),
        A("Claro. ¿Me confirma el correo electrónico de la cuenta?"),
        C("Sí, es {email}."),
        A("Gracias, ya veo su cuenta. ¿Puedo preguntarle el motivo?"),
        C("El equipo casi no la usa y este año vamos más justos de dinero."),
        A("Entiendo. Podemos pausar la cuenta hasta tres meses, si le sirve."),
        C("No, preferimos cerrarla. ¿Hay algún cargo por cancelación?"),
        A("No, ninguno. La cuenta seguirá activa hasta el final del periodo que ya ha pagado."),
        C("Perfecto."),
        A("Le envío la confirmación por correo. ¿Algo más en lo que pueda ayudarle?"),
        C("No, eso es todo. Gracias."),
        A("A usted. Que tenga un buen día."),
    ],
    [
        A("Acme Cloud, soporte, {daypart_es}. Soy {a}."),
        C("{daypart_es_cap}. Llevo dos semanas con las transcripciones vacías y nadie me responde."),
        A("Lo siento mucho. ¿Me dice el nombre de la empresa?"),
        C("{co}."),
        A("Gracias. Veo dos tickets abiertos sobre esto, ya los tengo delante."),
        C("¡Esto es inaceptable, quiero cancelar!"),
        A("Entiendo su enfado. Déjeme escalarlo ahora mismo al equipo técnico."),
        C("Eso mismo me dijeron la semana pasada."),
        A("Lo sé, y le pido disculpas. Hoy le llamará una persona del equipo de ingeniería."),
        C("Si mañana no está resuelto, quiero cancelar mi cuenta."),
        A("De acuerdo, lo dejo anotado. Le llamamos antes de las doce."),
        C("Vale. Adiós."),
    ],
    [
        A("{daypart_es_cap}, Acme Cloud, le atiende {a}."),
        C("Hola, {daypart_es}. Soy {c}, de {co}. Llamo por la renovación del contrato."),
        A("Sí, dígame."),
        C("Lo hemos hablado internamente y no vamos a renovar el contrato."),
        A("Vaya, lo siento. ¿Puedo preguntarle por qué?"),
        C("Sinceramente, el servicio no cumple con lo que esperábamos."),
        C("Y estamos pensando en cambiar de proveedor."),
        A("Entiendo. ¿Le parece bien que su gestora de cuenta le llame para ver si podemos mejorar algo?"),
        C("Puede llamar, pero la decisión está bastante tomada."),
        A("De acuerdo. Tomo nota y le envío un resumen por correo."),
        C("Gracias."),
    ],
    [
        A("Acme Cloud, {daypart_es}, soy {a}. ¿En qué le puedo ayudar?"),
        C(
            "Hola. Estamos pensando en contratar más licencias, pero antes quiero entender una cosa. ¿Cuál "
            "es la política de cancelación?"
        ),
        A("Con el plan anual se puede cancelar la renovación hasta treinta días antes de la fecha."),
        C("¿Y con el mensual? ¿Puedo cancelar en cualquier momento?"),
        A("Sí, en el mensual puede cancelar cuando quiera y no se cobra el mes siguiente."),
        C("Perfecto, eso nos da tranquilidad."),
        A("¿Quiere que le envíe las condiciones por escrito?"),
        C("Sí, por favor, a {email}."),
        A("Hecho. ¿Algo más?"),
        C("Nada más, muchas gracias."),
        A("Gracias a usted, {daypart_es}."),
    ],
    [
        A("{daypart_es_cap}, soporte de Acme Cloud, le atiende {a}."),
        C(
            "{daypart_es_cap}. Vamos a cerrar la oficina de Valencia y ya no necesitamos las licencias de "
            "ese equipo."
        ),
        A("Entiendo. ¿Quiere quitar solo esas licencias o toda la cuenta?"),
        C("Toda la cuenta de esa oficina. Por favor, cierren mi cuenta este mes."),
        A("De acuerdo. ¿Necesita exportar antes las grabaciones?"),
        C("Sí, ¿cómo lo hago?"),
        A("Desde Ajustes, en Exportar. Le envío las instrucciones por correo."),
        C("Muy bien. Y no renovaremos el próximo año en ninguna de las oficinas, para que lo sepan."),
        A("Tomo nota. Se lo paso también a su gestora de cuenta."),
        C("Gracias, adiós."),
    ],
    [
        A("Acme Cloud, {daypart_es}, soy {a}."),
        C(
            "Hola, {daypart_es}. Queremos dejar de usar la plataforma a final de mes.",
            meaning=(CANCELACION, "quiero darme de baja"),
        ),
        A("Entiendo. ¿Me confirma el nombre de la empresa?"),
        C("{co}."),
        A("Gracias. ¿Puedo preguntarle qué ha pasado?"),
        C("Nos hemos fusionado con otra empresa y ellos ya tienen su propia herramienta."),
        A("Comprendo. Lo gestiono y le envío la confirmación por correo."),
        C("Perfecto, gracias."),
        A("A usted. Hasta luego."),
    ],
    [
        A("{daypart_es_cap}, Acme Cloud, le atiende {a}."),
        C("Hola. Tengo una duda con la factura de julio. Aparece un importe que no entiendo."),
        A("Claro, lo miro. ¿Me dice el correo de la cuenta?"),
        C("Es {email}."),
        A("Gracias. Es el prorrateo de las cinco licencias que añadieron el día diez."),
        C("Ah, vale, ya lo entiendo. ¿Me pueden enviar la factura con el número de pedido?"),
        A("Sí, se la envío ahora mismo con el número de pedido."),
        C("Perfecto, muchas gracias."),
        A("Gracias a usted. Que tenga buen día."),
    ],
    [
        A("Soporte de Acme Cloud, {daypart_es}, soy {a}."),
        C("Hola, no puedo entrar en la plataforma. Me dice que el enlace ha caducado."),
        A("Vale, le envío un enlace nuevo. ¿A qué correo?"),
        C("A {email}."),
        A("Enviado. ¿Le ha llegado?"),
        C("Sí, un segundo. Ya estoy dentro."),
        A("Estupendo. ¿Algo más?"),
        C("No, gracias. Adiós."),
    ],
]
SPANISH_CUSTOMERS = [
    ("Marta Quintero", "Transportes Levante"),
    ("Jorge Beltrán", "Clínica Sol de Mayo"),
    ("Ainhoa Etxeberria", "Grupo Almena"),
    ("Pablo Serrano", "Distribuciones Ebro"),
    ("Nuria Campos", "Seguros Albarracín"),
    ("Álvaro Ruiz", "Hoteles Costa Blanca"),
    ("Carmen Vidal", "Inmobiliaria Duero"),
    ("Íñigo Salas", "Academia Nexo"),
]

OFF_TOPIC_CALLS: list[tuple[str, str, list[Line]]] = [
    (
        "wrong number",
        "support",
        [
            A("Acme Cloud, this is {a}."),
            C("Hi, is this Riverside Dental? I'm calling to move my cleaning appointment."),
            A("No, sorry, you've got the wrong number. This is a software company."),
            C("Oh, I'm so sorry. I must have misdialed."),
            A("No worries at all. Their number is one digit off from ours, we get that a lot."),
            C("That makes sense. Sorry to bother you."),
            A("Not a problem. Good luck with the appointment."),
            C("Thanks, bye."),
        ],
    ),
    (
        "headset test",
        "support",
        [
            A("Okay, can you hear me now?"),
            A2("Yes, loud and clear. The new headset sounds much better."),
            A("Great. Let me try the other microphone setting."),
            A2("Still fine. A tiny bit of echo, maybe."),
            A("How about now?"),
            A2("That's better. The echo is gone."),
            A("Perfect. I'll use this setup for the afternoon queue."),
            A2("Sounds good. See you at the team meeting."),
        ],
    ),
    (
        "courier",
        "sales",
        [
            C(
                "Hi, this is Leo from Swift Couriers. I have a delivery for your office but the front door "
                "is locked."
            ),
            A("Oh, sorry about that. The front door is badge only. Could you go around to the loading dock?"),
            C("Sure. Is someone there to sign for it?"),
            A("Yes, I'll come down myself. Give me two minutes."),
            C("Great, I'll wait by the dock."),
            A("Thanks, see you in a minute."),
            C("No problem."),
            A("Okay, heading down now."),
        ],
    ),
    (
        "event booth",
        "sales",
        [
            C(
                "Hi, it's Priscilla from the Northeast SaaS Expo. I'm confirming the details for your booth "
                "next month."
            ),
            A("Hi, thanks for following up. What do you need from us?"),
            C("The booth is ten by ten, and I need the names for the four exhibitor badges."),
            A("I'll email the names today. Is power included?"),
            C("One outlet is included. Extra outlets are sixty dollars each."),
            A("One should be enough. When can we set up?"),
            C("Setup opens at seven on the morning of the event."),
            A("Okay, I'll pass that on to the team."),
            C("I'll send the confirmation once I have the badge names."),
            A("Sounds good, thanks."),
        ],
    ),
]
OFF_TOPIC_CALLERS = {
    "wrong number": ("Gloria Pettersen", "gloria.pettersen@mailbox.example"),
    "courier": ("Leo Marchetti", "dispatch@swift-couriers.example"),
    "event booth": ("Priscilla Osei", "priscilla.osei@northeast-saas-expo.example"),
}


# ---------------------------------------------------------------------------------------------
# Scenarios: which blocks a call of each kind draws from, and how likely each one is
# ---------------------------------------------------------------------------------------------


@dataclass
class CallSpec:
    kind: str  # scenario name, e.g. "discovery", "billing", "spanish", "off_topic"
    team: str  # "sales" or "support"
    day: dt.date
    specials: list[str] = field(default_factory=list)  # keys of SPECIALS planted in this call
    script: int = -1  # index into SPANISH_CALLS / OFF_TOPIC_CALLS


class Script:
    """Draws exchanges for one call; planted specials join the block they belong to."""

    def __init__(self, rng: random.Random, spec: CallSpec):
        self.rng = rng
        self.spec = spec
        self.forced: dict[str, list[list[Line]]] = defaultdict(list)
        self.guaranteed: set[str] = set()  # blocks this call must draw from (so rare trackers fire somewhere)
        for key in spec.specials:
            if key.startswith("block:"):
                self.guaranteed.add(key.removeprefix("block:"))
                continue
            block, lines = SPECIALS[key]
            self.forced[block].append(lines)
        self.lines: list[tuple[str, Line]] = []  # (block, line)
        self.used: set[int] = set()  # exchanges already in this call

    def take(self, block: str, k: int | tuple[int, int] = 1, p: float = 1.0) -> bool:
        """Append k exchanges of `block` with probability p (always when a special is planted in it)."""
        forced = self.forced.pop(block, [])
        if not forced and block not in self.guaranteed and self.rng.random() >= p:
            return False
        self.guaranteed.discard(block)
        n = k if isinstance(k, int) else self.rng.randint(*k)
        pool = [e for e in BLOCKS[block] if id(e) not in self.used]
        picks = forced + self.rng.sample(pool, max(0, n - len(forced)))
        self.used.update(id(e) for e in picks)
        for exchange in picks:
            self.lines.extend((block, line) for line in exchange)
        return True

    def add(self, exchange: list[Line], block: str = "call_flow") -> None:
        self.lines.extend((block, line) for line in exchange)

    def done(self) -> list[tuple[str, Line]]:
        assert not self.forced, f"specials not placed in a {self.spec.kind} call: {sorted(self.forced)}"
        assert not self.guaranteed, f"blocks not drawn in a {self.spec.kind} call: {sorted(self.guaranteed)}"
        return self.lines


def competitor_probability(day: dt.date) -> float:
    return 0.55 if day >= COMPETITOR_RISE else 0.04


def sales_call(s: Script, agent: Person) -> list[tuple[str, Line]]:
    kind, rng = s.spec.kind, s.rng
    s.add(ALEX_GREETING if agent.first == "Alex" and rng.random() < 0.4 else rng.choice(SALES_GREETINGS))
    s.take("smalltalk", p=0.5)
    s.take("recording", p=0.55)
    if kind in ("discovery", "demo"):
        s.take("agenda", p=0.6)
    p_comp = competitor_probability(s.spec.day)
    if kind == "discovery":
        s.take("discovery", (2, 3))
        s.take("referral", p=0.15)
        comp = s.take("competitor", (1, 2), p=p_comp)
        s.take("comparison", p=0.25 if comp else 0.08)
        priced = s.take("pricing", (1, 2), p=0.5)
        if s.take("discount", p=0.7 if priced else 0.04) and rng.random() < 0.3:
            s.take("special_offer")
        budget = s.take("budget", p=0.4)
        s.take("objection", p=0.5 if (budget or comp) else 0.1)
        s.take("decision", p=0.45)
        s.take("timeline", p=0.6)
        s.take("case_study", p=0.2)
    elif kind == "demo":
        s.take("demo_request", (1, 2))
        s.take("demo_intro", 2)
        s.take("demo_walkthrough", (1, 2))
        s.take("integration", (1, 2), p=0.8)
        s.take("security", (1, 2), p=0.35)
        s.take("privacy", p=0.1)
        comp = s.take("competitor", p=p_comp)
        s.take("comparison", p=0.3 if comp else 0.1)
        if s.take("pricing", p=0.3):
            s.take("discount", p=0.6)
        s.take("positive", p=0.3)
        s.take("decision", p=0.25)
    elif kind == "negotiation":
        priced = s.take("pricing", (1, 2), p=0.9)
        s.take("discount", (1, 2), p=0.9 if priced else 0.04)
        s.take("special_offer", p=0.4)
        s.take("procurement", (1, 2), p=0.7)
        s.take("case_study", p=0.15)  # references are often the last thing asked for before signing
        budget = s.take("budget", p=0.6)
        comp = s.take("competitor", p=p_comp)
        s.take("objection", p=0.6 if (budget or comp) else 0.1)
        s.take("decision", p=0.6)
        s.take("timeline", p=0.6)
    elif kind == "account_review":
        s.take("account_check", 2)
        s.take("renewal", (1, 2), p=0.7)
        s.take("upsell", (1, 2), p=0.6)
        if s.take("pricing", p=0.4):
            s.take("discount", p=0.5)
        s.take("competitor", p=p_comp)
        s.take("privacy", p=0.15)
        s.take("positive", p=0.5)
    elif kind == "trial":
        s.take("trial", 2)
        s.take("implementation", (1, 2), p=0.6)
        s.take("onboarding", p=0.3)
        s.take("integration", p=0.4)
        s.take("positive", p=0.4)
        s.take("timeline", p=0.4)
    s.take("next_steps", (1, 2))
    s.add(rng.choice(SALES_CLOSINGS))
    return s.done()


def support_call(s: Script, agent: Person) -> list[tuple[str, Line]]:
    kind, rng = s.spec.kind, s.rng
    s.add(rng.choice(SUPPORT_GREETINGS))
    s.take("recording", p=0.3)

    def problem(block: str, more: tuple[int, int], verify: float = 1.0) -> None:
        s.take(block)  # the customer says why they call, then the agent finds the account
        s.take("verify", p=verify)
        s.take(block, more)

    if kind == "billing":
        problem("billing", (0, 1))
        s.take(rng.choice(["hold", "transfer_billing"]), p=0.35)
        s.take("billing_fix")
        if s.take("refund", p=0.5):
            s.take("refund_fix")
        s.take("invoice", p=0.25)
        if s.take("frustration", p=0.2):
            s.take("empathy")
    elif kind == "payment":
        problem("payment", (0, 1))
        s.take(rng.choice(["hold", "transfer_billing"]), p=0.2)
        s.take("payment_fix")
        s.take("invoice", p=0.2)
    elif kind == "login":
        problem("login", (0, 1), verify=0.7)
        s.take("password", p=0.5)
        s.take(rng.choice(["hold", "transfer_technical"]), p=0.3)
        s.take("login_fix")
        if s.take("frustration", p=0.15):
            s.take("empathy")
    elif kind == "bug":
        problem("bug", (1, 2))
        s.take("bug_triage", (1, 2))
        if s.take("frustration", (1, 2), p=0.5):
            s.take("empathy")
        if s.take("escalation", p=0.45):
            s.take("manager", p=0.6)
            s.take("escalation_answer")
        s.take(rng.choice(["hold", "transfer_technical"]), p=0.3)
        s.take("callback", p=0.35)
        s.take("feature", p=0.15)
    elif kind == "outage":
        s.take("outage_open")
        s.take("outage", (1, 2))
        s.take("outage_update")
        if s.take("frustration", (1, 2), p=0.7):
            s.take("empathy")
        if s.take("escalation", p=0.3):
            s.take("manager", p=0.3)
            s.take("escalation_answer")
        s.take("callback", p=0.4)
    elif kind == "cancel":
        problem("cancel", (0, 1))
        s.take("churn", (1, 2), p=0.85)
        if s.take("frustration", p=0.3):
            s.take("empathy")
        s.take("retention")
        if s.take("refund", p=0.2):
            s.take("refund_fix")
    elif kind == "howto":
        topic = ["setup", "onboarding", "privacy"][s.spec.script % 3]
        problem(topic, (1, 2), verify=0.5)
        s.take("feature", (1, 2), p=0.5)
        s.take("positive", p=0.6)
    s.take("survey", p=0.3 if len(s.lines) >= 7 else 1.0)  # short calls always end with the survey pitch
    s.add(rng.choice(SUPPORT_CLOSINGS))
    return s.done()


SALES_MIX = {"discovery": 18, "demo": 12, "negotiation": 10, "account_review": 8, "trial": 4}
SUPPORT_MIX = {"billing": 10, "payment": 5, "login": 9, "bug": 12, "cancel": 8, "howto": 4}
OUTAGE_DAYS = [
    dt.date(2026, 6, 10),
    dt.date(2026, 7, 1),
]  # two ordinary outage calls; six more in OUTAGE_WEEK
N_OUTAGE_WEEK_CALLS = 6
SALES_TITLES = {
    "discovery": "Discovery call",
    "demo": "Product demo",
    "negotiation": "Pricing and contract",
    "account_review": "Account review",
    "trial": "Trial check-in",
}


def business_days(first: dt.date, last: dt.date, *, us_team: bool = True) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and not (us_team and day in US_HOLIDAYS):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def plan_calls(rng: random.Random) -> list[CallSpec]:
    """The 120 calls: what kind, which team, which day, and which planted specials they carry."""
    period_end = PERIOD_START + dt.timedelta(weeks=N_WEEKS, days=-1)
    us_days = business_days(PERIOD_START, period_end)
    specs: list[CallSpec] = []
    for kind, n in SALES_MIX.items():
        specs += [CallSpec(kind, "sales", rng.choice(us_days)) for _ in range(n)]
    for kind, n in SUPPORT_MIX.items():
        specs += [CallSpec(kind, "support", rng.choice(us_days)) for _ in range(n)]
    week = business_days(OUTAGE_WEEK, OUTAGE_WEEK + dt.timedelta(days=4))
    specs += [CallSpec("outage", "support", day) for day in OUTAGE_DAYS]
    specs += [CallSpec("outage", "support", week[i % 3]) for i in range(N_OUTAGE_WEEK_CALLS)]
    es_days = business_days(PERIOD_START, period_end, us_team=False)
    specs += [
        CallSpec("spanish", "support", rng.choice(es_days), script=i) for i in range(len(SPANISH_CALLS))
    ]
    specs += [
        CallSpec("off_topic", team, rng.choice(us_days), script=i)
        for i, (_, team, _) in enumerate(OFF_TOPIC_CALLS)
    ]

    def plant(key: str, kind: str, *, before: dt.date | None = None, nth: int = 0) -> None:
        candidates = [s for s in specs if s.kind == kind and (before is None or s.day < before)]
        candidates.sort(key=lambda s: s.day)
        candidates[nth].specials.append(key)

    plant("wrong_context_cancel", "demo", nth=3)
    plant("wrong_context_waiting", "demo", nth=7)
    plant("wrong_context_outage", "discovery", nth=2)
    plant("borderline_hold", "discovery", nth=9)
    plant("borderline_lease", "discovery", before=COMPETITOR_RISE, nth=5)
    plant("literal_and_meaning", "discovery", nth=12)
    plant("typo_refund", "billing", nth=1)
    plant("typo_refund", "billing", nth=6)
    plant("typo_invoice", "billing", nth=4)
    plant("borderline_reply", "billing", nth=8)
    plant("borderline_credit", "billing", nth=2)
    plant("typo_login", "login", nth=2)
    plant("typo_login", "login", nth=7)
    plant("borderline_okay", "login", nth=5)
    plant("typo_cancel", "cancel", nth=1)
    plant("typo_churn", "cancel", nth=4)
    plant("language_gated", "cancel", nth=6)
    # Rarer topics come up at least a couple of times, so every tracker but the designed ones fires.
    plant("block:case_study", "discovery", nth=4)
    plant("block:case_study", "negotiation", nth=6)
    plant("block:referral", "discovery", nth=14)
    plant("block:onboarding", "trial", nth=1)
    plant("block:privacy", "demo", nth=5)
    plant("block:comparison", "discovery", nth=16)
    plant("block:escalation", "bug", nth=3)
    plant("block:manager", "bug", nth=3)
    plant("block:escalation", "outage", nth=4)
    plant("block:manager", "outage", nth=4)
    plant("block:budget", "discovery", nth=8)
    plant("block:budget", "negotiation", nth=1)
    for i, spec in enumerate(s for s in specs if s.kind == "howto"):
        spec.script = i  # how-to calls cycle through their topics
    return specs


# ---------------------------------------------------------------------------------------------
# Rendering: people, placeholders, times and ids in Symbl's shapes
# ---------------------------------------------------------------------------------------------

US_UTC_OFFSET = -4  # Acme Cloud's US teams work from New York (EDT in summer)
ES_UTC_OFFSET = 2  # the Spanish support pod works from Madrid (CEST)
PRICE_PER_SEAT = 65
SEATS = {"smb": (8, 30), "mid-market": (35, 150), "enterprise": (200, 1200)}
TECHNICAL_BLOCKS = {"integration", "security", "privacy", "procurement", "implementation"}


@dataclass
class Company:
    name: str
    tier: str
    contacts: list[Person]


class Directory:
    """Fictional customer companies and their contacts, made up once and reused across calls."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        names = list(COMPANIES)
        rng.shuffle(names)
        self.prospects = names[:28]  # new business: discovery, demo, negotiation, trial
        self.customers = names[28:]  # existing accounts: support and account reviews
        self.companies: dict[str, Company] = {}
        self.used_people: set[str] = set()

    def person(self, company: str) -> Person:
        while True:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            if f"{first} {last}" not in self.used_people:
                self.used_people.add(f"{first} {last}")
                return Person(f"{first} {last}", f"{first}.{last}@{slug(company)}.example".lower())

    def company(self, name: str) -> Company:
        if name not in self.companies:
            tier = self.rng.choices(list(SEATS), weights=[4, 4, 2])[0]
            self.companies[name] = Company(name, tier, [self.person(name), self.person(name)])
        return self.companies[name]

    def pick(self, existing_customer: bool) -> Company:
        return self.company(self.rng.choice(self.customers if existing_customer else self.prospects))


class IdMaker:
    """16-digit string ids like Symbl's (first digit 4-6), unique across the whole sample."""

    def __init__(self, rng: random.Random, taken: set[str]):
        self.rng, self.taken = rng, set(taken)

    def __call__(self) -> str:
        while True:
            new = str(self.rng.randrange(4 * 10**15, 7 * 10**15))
            if new not in self.taken:
                self.taken.add(new)
                return new


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Rendered:
    conversation: dict
    lines: list[Line]  # the script line of each message, in order
    blocks: list[str]


def timings(rng: random.Random, lines: list[Line]) -> list[tuple[int, int]]:
    """(start, duration) of each message in centiseconds from the start of the recording."""
    out, clock, previous = [], rng.randint(100, 450), None
    for line in lines:
        words = len(line.text.split())
        duration = round(100 * (words / rng.uniform(2.3, 3.1) + rng.uniform(0.15, 0.5)))
        if previous is not None:
            pause = rng.uniform(0.15, 0.6) if line.role == previous else rng.uniform(0.3, 1.4)
            clock += round(100 * (pause + line.gap * rng.uniform(0.8, 1.6)))
        out.append((clock, max(60, duration)))
        clock += max(60, duration)
        previous = line.role
    return out


class Renderer:
    def __init__(self, seed: int, tracker_ids: set[str]):
        self.rng = random.Random(seed)
        self.directory = Directory(random.Random(seed + 1))
        self.new_id = IdMaker(random.Random(seed + 2), tracker_ids)
        self.booked: set[tuple[str, dt.date, int]] = set()  # (agent email, day, 30-minute slot)
        self.case_number = 48210

    def slot(self, agents: list[Person], day: dt.date, team: str, utc_offset: int) -> dt.datetime:
        first, last = (9 * 2, 16 * 2 + 1) if team == "sales" else (8 * 2, 17 * 2 + 1)
        free = [
            n for n in range(first, last + 1) if all((a.email, day, n) not in self.booked for a in agents)
        ]
        n = self.rng.choice(free)
        for a in agents:
            self.booked.add((a.email, day, n))
        local = dt.datetime.combine(day, dt.time(n // 2, 30 * (n % 2)))
        jitter = dt.timedelta(seconds=self.rng.randint(0, 480), milliseconds=10 * self.rng.randint(0, 99))
        return local - dt.timedelta(hours=utc_offset) + jitter

    def render(self, spec: CallSpec) -> Rendered:
        rng = self.rng
        agent2: Person | None = None
        customers: list[Person]
        tier: str | None
        language, channel, case_id = "en-US", "phone", None
        if spec.kind == "spanish":
            agent = rng.choice(SPANISH_AGENTS)
            name, company_name = SPANISH_CUSTOMERS[spec.script]
            first, last = name.split()
            customers = [Person(name, f"{slug(first)}.{slug(last)}@{slug(company_name)}.example")]
            tier, language, utc_offset = rng.choice(["smb", "mid-market"]), "es-ES", ES_UTC_OFFSET
            script = [("spanish", line) for line in SPANISH_CALLS[spec.script]]
        elif spec.kind == "off_topic":
            label, _, lines = OFF_TOPIC_CALLS[spec.script]
            pool = SALES_AES if spec.team == "sales" else SUPPORT_AGENTS
            agent = rng.choice(pool)
            if label in OFF_TOPIC_CALLERS:
                customers = [Person(*OFF_TOPIC_CALLERS[label])]
            else:
                customers, agent2 = [], rng.choice([a for a in pool if a != agent])
            company_name, tier, utc_offset = None, None, US_UTC_OFFSET
            script = [("off_topic", line) for line in lines]
        else:
            utc_offset = US_UTC_OFFSET
            if spec.team == "sales":
                agent = ACCOUNT_MANAGER if spec.kind == "account_review" else rng.choice(SALES_AES)
                company = self.directory.pick(existing_customer=spec.kind == "account_review")
                if spec.kind == "demo" and rng.random() < 0.6:
                    agent2 = SOLUTIONS_ENGINEER
                customers = company.contacts[:2] if rng.random() < 0.3 else company.contacts[:1]
                channel = rng.choice(["zoom", "zoom", "google_meet", "teams"])
                script = sales_call(Script(rng, spec), agent)
            else:
                agent = rng.choice(SUPPORT_AGENTS)
                agent2 = rng.choice([a for a in SUPPORT_AGENTS if a != agent])
                company = self.directory.pick(existing_customer=True)
                customers = [rng.choice(company.contacts)]
                script = support_call(Script(rng, spec), agent)
            company_name, tier = company.name, company.tier
        if spec.team == "support" and spec.kind != "off_topic":
            self.case_number += rng.randint(3, 40)
            case_id = f"CS-{self.case_number}"
        speakers = {
            "agent": agent,
            "agent2": agent2 or agent,
            "customer": customers[0] if customers else None,
        }
        speakers["customer2"] = customers[1] if len(customers) > 1 else speakers["customer"]
        blocks = [block for block, _ in script]
        lines = []
        for block, line in script:
            role, text = line.role, line.text
            if role == "customer" and len(customers) > 1 and block in TECHNICAL_BLOCKS:
                role = "customer2"  # the prospect's technical colleague asks the technical questions
            answer = text.endswith(".") and not line.tag
            if role.startswith("agent") and block in FOLLOW_ON_OF_BLOCK and answer and rng.random() < 0.45:
                text += " " + rng.choice(FOLLOW_ONS[FOLLOW_ON_OF_BLOCK[block]])
            lines.append(Line(role, text, line.meaning, line.tag, line.gap))
        start = self.slot([p for p in (agent, agent2) if p], spec.day, spec.team, utc_offset)
        local_hour = (start + dt.timedelta(hours=utc_offset)).hour
        seats = rng.randint(*SEATS[tier]) if tier else 0
        customer = customers[0] if customers else agent
        values = {
            "a": agent.first,
            "a2": (agent2 or agent).first,
            "c": customer.first,
            "c2": speakers["customer2"].first if customers else "",
            "co": company_name or "",
            "email": customer.email,
            "seats": seats,
            "price": f"${PRICE_PER_SEAT}",
            "price_low": f"${PRICE_PER_SEAT - 10}",
            "annual": f"${seats * PRICE_PER_SEAT * 12:,}",
            "daypart": "Good morning" if local_hour < 12 else "Good afternoon and welcome",
            "daypart_short": "Good morning" if local_hour < 12 else "Hi",
            "daypart_es": "buenos días" if local_hour < 14 else "buenas tardes",
            "daypart_es_cap": "Buenos días" if local_hour < 14 else "Buenas tardes",
        }
        lines = [Line(x.role, x.text.format(**values), x.meaning, x.tag, x.gap) for x in lines]
        conversation_id = self.new_id()
        times = timings(rng, lines)
        messages = []
        for line, (offset, duration) in zip(lines, times):
            who = speakers[line.role]
            begin = start + dt.timedelta(milliseconds=10 * offset)
            messages.append(
                {
                    "id": self.new_id(),
                    "conversationId": conversation_id,
                    "text": line.text,
                    "from": {"id": who.user_id, "name": who.name, "email": who.email},
                    "startTime": iso(begin),
                    "endTime": iso(begin + dt.timedelta(milliseconds=10 * duration)),
                    "timeOffset": offset / 100,
                    "duration": duration / 100,
                }
            )
        end_cs = times[-1][0] + times[-1][1] + rng.randint(100, 400)
        spoke = {speakers[line.role].email for line in lines}
        members = [p for p in [agent, agent2, *customers] if p and p.email in spoke]
        agents = [p.email for p in members if p.email.endswith("@" + AGENT_DOMAIN)]
        if spec.kind == "spanish":
            name = f"Llamada de soporte {case_id} - {company_name}"
        elif spec.kind == "off_topic":
            name = "Headset check" if not customers else f"Inbound call from +1 555 01{rng.randint(10, 99)}"
        elif spec.team == "sales":
            name = f"{company_name} <> Acme Cloud: {SALES_TITLES[spec.kind]}"
        else:
            name = f"Support call {case_id} - {company_name}"
        metadata = {
            "channel": channel,
            "team": spec.team,
            "language": language,
            "customer_tier": tier,
            "customer_company": company_name,
            "agents": agents,
        }
        if case_id:
            metadata["case_id"] = case_id
        conversation = {
            "id": conversation_id,
            "type": "audio",
            "name": name,
            "startTime": iso(start),
            "endTime": iso(start + dt.timedelta(milliseconds=10 * end_cs)),
            "members": [{"name": p.name, "email": p.email} for p in members],
            "metadata": metadata,
            "messages": messages,
        }
        return Rendered(conversation, lines, blocks)


# ---------------------------------------------------------------------------------------------
# What Symbl returned: literal matches found here, matches by meaning as planted in the scripts
# ---------------------------------------------------------------------------------------------

_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Case-insensitive, on word boundaries, ends of the phrase stripped of punctuation."""
    words = _EDGE_PUNCTUATION.sub("", phrase.strip()).split()
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)", re.IGNORECASE)


def eligible(tracker: dict, conversation: dict) -> bool:
    """Symbl reports a tracker only if it existed when the call was processed, in its languages."""
    created = tracker.get("createdOn")
    if created and created > conversation["startTime"]:  # same ISO format: strings compare as times
        return False
    languages = tracker.get("languages")
    return not languages or conversation["metadata"]["language"] in languages


def detect(rendered: Rendered, trackers: list[dict], patterns: dict[str, re.Pattern[str]]) -> list[dict]:
    conversation, lines = rendered.conversation, rendered.lines
    messages = conversation["messages"]
    names = {t["name"] for t in trackers}
    for line in lines:
        for tracker_name, phrase in line.meaning:
            tracker = next(t for t in trackers if t["name"] == tracker_name)
            assert tracker_name in names, tracker_name
            assert phrase in tracker["vocabulary"], (tracker_name, phrase)
            assert eligible(tracker, conversation), (
                f"planted {tracker_name!r} cannot fire in {conversation['id']}"
            )
    detected = []
    for tracker in trackers:
        if not eligible(tracker, conversation):
            continue
        literal_in = set()
        matches = []
        for phrase in dict.fromkeys(tracker["vocabulary"]):  # an exact duplicate phrase is one value
            refs = []
            for i, (message, line) in enumerate(zip(messages, lines)):
                found = patterns[phrase].search(message["text"])
                if found:
                    refs.append({"id": message["id"], "text": message["text"], "offset": found.start()})
                    literal_in.add(i)
                elif (tracker["name"], phrase) in line.meaning:
                    refs.append({"id": message["id"], "text": message["text"], "offset": -1})
            if refs:
                matches.append(
                    {"type": "vocabulary", "value": phrase, "messageRefs": refs, "insightRefs": []}
                )
        for i, line in enumerate(lines):
            planted = [m for m in line.meaning if m[0] == tracker["name"]]
            if planted and i in literal_in and line.tag != "literal_and_meaning":
                raise AssertionError(
                    f"paraphrase also matches {tracker['name']!r} literally: {messages[i]['text']!r}"
                )
        if matches:
            detected.append({"id": tracker["id"], "name": tracker["name"], "matches": matches})
    return detected


def check_text(rendered: Rendered, patterns: dict[str, re.Pattern[str]]) -> None:
    """Keep texts unambiguous for any sensible matcher: NFKC-stable, plain spaces and apostrophes,
    and no literal match glued to an apostrophe or hyphen ("I hear you're" is not "I hear you")."""
    conversation = rendered.conversation
    assert 8 <= len(conversation["messages"]) <= 40, (conversation["name"], len(conversation["messages"]))
    for message in conversation["messages"]:
        text = message["text"]
        assert text == unicodedata.normalize("NFKC", text), text
        assert not re.search(r"  |\u2019|[{}]", text), text
        for phrase, pattern in patterns.items():
            for found in pattern.finditer(text):
                before = text[found.start() - 1] if found.start() else " "
                after = text[found.end()] if found.end() < len(text) else " "
                assert before not in "'-", (phrase, text)
                assert after not in "'-", (phrase, text)


# ---------------------------------------------------------------------------------------------
# Planted facts, with exact numbers computed from the stored results
# ---------------------------------------------------------------------------------------------

NEVER_FIRES = "Voice Message"
MEANING_ONLY_TRACKER = DM
PARTLY_MEANING_TRACKER = BC
DEAD_PHRASE_TRACKERS = [PI, CF, DM, CI]
AGENT_ONLY = ["Greeting", RC]
CUSTOMER_ONLY = [CF, BC]
CO_OCCURRING = (PI, DR)
RISING = CM
SPIKING = "Outage / Downtime"


def prose(text: str) -> str:
    """A paragraph written across source lines, as one line."""
    return " ".join(text.split())


def facts_and_checks(
    rendered: list[Rendered], results: dict[str, list[dict]], trackers: list[dict]
) -> list[dict]:
    conversations = [r.conversation for r in rendered]
    by_id = {c["id"]: c for c in conversations}
    line_of = {m["id"]: line for r in rendered for m, line in zip(r.conversation["messages"], r.lines)}
    message_of = {m["id"]: m for c in conversations for m in c["messages"]}
    side_of = {
        m["id"]: "agent" if m["from"]["email"] in c["metadata"]["agents"] else "customer"
        for c in conversations
        for m in c["messages"]
    }
    hits = [
        {
            "conversation_id": cid,
            "message_id": ref["id"],
            "tracker": t["name"],
            "value": match["value"],
            "offset": ref["offset"],
            "side": side_of[ref["id"]],
            "text": ref["text"],
        }
        for cid, detected in results.items()
        for t in detected
        for match in t["matches"]
        for ref in match["messageRefs"]
    ]
    fired = defaultdict(set)  # tracker -> conversations
    for h in hits:
        fired[h["tracker"]].add(h["conversation_id"])
    all_text = "\n".join(m["text"].lower() for m in message_of.values())

    def said(phrase: str) -> bool:
        return any(h["value"] == phrase and h["offset"] >= 0 for h in hits)

    def brief(h: dict) -> dict:
        return {k: h[k] for k in ("conversation_id", "message_id", "tracker", "value", "offset", "text")}

    facts: list[dict] = []
    literal = [h for h in hits if h["offset"] >= 0]
    meaning = [h for h in hits if h["offset"] < 0]
    spanish = [c["id"] for c in conversations if c["metadata"]["language"] == "es-ES"]
    facts.append(
        {
            "kind": "totals",
            "trackers": [],
            "phrases": [],
            "detail": prose(
                """Size of the sample; a hit is one messageRef of the stored results (a message matched
                under two phrases counts twice)."""
            ),
            "conversations": len(conversations),
            "messages": len(message_of),
            "spanish_conversations": len(spanish),
            "conversations_by_team": dict(
                sorted(Counter(c["metadata"]["team"] for c in conversations).items())
            ),
            "literal_hits": len(literal),
            "meaning_hits": len(meaning),
            "conversations_with_hits": sum(1 for d in results.values() if d),
            "trackers_firing": len(fired),
        }
    )

    # A tracker that never fires: no call reaches a voicemail box.
    never = next(t for t in trackers if t["name"] == NEVER_FIRES)
    assert NEVER_FIRES not in fired
    for phrase in never["vocabulary"]:
        assert _EDGE_PUNCTUATION.sub("", phrase.lower()) not in all_text, phrase
    silent = sorted(t["name"] for t in trackers if t["name"] not in fired)
    assert silent == sorted([NEVER_FIRES, "Promotion Mention"]), silent
    facts.append(
        {
            "kind": "never_fires",
            "trackers": [NEVER_FIRES],
            "phrases": [],
            "detail": prose(
                """Every call in the sample is a live conversation; no one reaches a voicemail box, so
                the voicemail tracker has no hit at all, literal or by meaning, and none of its 26
                phrases occurs in any message even as a substring. (Promotion Mention, the other
                documented example, also has no hit: its long, specific phrases are never said.)"""
            ),
            "conversations": 0,
            "hits": 0,
            "also_without_hits": ["Promotion Mention"],
        }
    )

    # Dead vocabulary, exhaustively for chosen trackers.
    for name in DEAD_PHRASE_TRACKERS:
        tracker = next(t for t in trackers if t["name"] == name)
        vocabulary = list(dict.fromkeys(tracker["vocabulary"]))
        dead = [p for p in vocabulary if not said(p)]
        for phrase in dead:
            assert _EDGE_PUNCTUATION.sub("", phrase.lower()) not in all_text, (name, phrase)
        facts.append(
            {
                "kind": "dead_phrases",
                "trackers": [name],
                "phrases": dead,
                "detail": prose(
                    f"""Exactly these {len(dead)} of the {len(vocabulary)} phrases of '{name}' never
                    match literally in any conversation (none occurs in any message even as a
                    substring); every other phrase of it matches literally at least once."""
                ),
                "n_phrases": len(vocabulary),
                "n_dead": len(dead),
                "live_phrases": [p for p in vocabulary if said(p)],
            }
        )
    facts.append(
        {
            "kind": "phrase_usage",
            "trackers": [t["name"] for t in trackers],
            "phrases": [],
            "detail": prose(
                """For every tracker: its number of distinct phrases and how many of them match
                literally at least once in the stored results (the rest is dead vocabulary in this
                sample)."""
            ),
            "phrases_per_tracker": {t["name"]: len(dict.fromkeys(t["vocabulary"])) for t in trackers},
            "live_phrases_per_tracker": {
                t["name"]: sum(1 for p in dict.fromkeys(t["vocabulary"]) if said(p)) for t in trackers
            },
        }
    )

    # Paraphrases only a match by meaning finds.
    dm = [h for h in hits if h["tracker"] == MEANING_ONLY_TRACKER]
    assert dm
    assert all(h["offset"] == -1 for h in dm)
    facts.append(
        {
            "kind": "meaning_only_tracker",
            "trackers": [MEANING_ONLY_TRACKER],
            "phrases": sorted({h["value"] for h in dm}),
            "detail": prose(
                """Buyers never use the tracker's wording ('I'll need to run this by my boss'); they
                paraphrase it ('I'll have to take this to my boss'). Every stored hit is by meaning
                (offset -1): a literal replay finds nothing in these conversations."""
            ),
            "conversations": sorted(fired[MEANING_ONLY_TRACKER]),
            "literal_hits": 0,
            "meaning_hits": len(dm),
        }
    )
    partly = PARTLY_MEANING_TRACKER
    bc_literal = sorted({h["conversation_id"] for h in hits if h["tracker"] == partly and h["offset"] >= 0})
    bc_meaning_only = sorted(fired[partly] - set(bc_literal))
    assert bc_literal
    assert bc_meaning_only
    facts.append(
        {
            "kind": "meaning_only_in_some_conversations",
            "trackers": [partly],
            "phrases": [],
            "detail": prose(
                """Budget Concerns fires literally in some calls and only by meaning in others
                (customers say 'Finance froze all new software purchases' instead of 'we're in a
                spending freeze')."""
            ),
            "conversations_literal": bc_literal,
            "conversations_meaning_only": bc_meaning_only,
        }
    )
    plain = [h for h in meaning if not line_of[h["message_id"]].tag]
    facts.append(
        {
            "kind": "paraphrase_by_meaning",
            "trackers": sorted({h["tracker"] for h in plain}),
            "phrases": sorted({h["value"] for h in plain}),
            "detail": prose(
                """Every planted paraphrase Symbl matched by meaning (offset -1), not counting the
                typo, borderline and same-message cases listed under their own kinds. In each of
                these messages no phrase of that tracker occurs literally."""
            ),
            "hits": [brief(h) for h in plain],
        }
    )

    # Typo phrases: the correct spelling is said, only a match by meaning catches it.
    typo = [h for h in meaning if line_of[h["message_id"]].tag == "typo"]
    assert len({h["value"] for h in typo}) == 5
    assert not any(said(h["value"]) for h in typo)
    facts.append(
        {
            "kind": "typo_phrase_said_correctly",
            "trackers": sorted({h["tracker"] for h in typo}),
            "phrases": sorted({h["value"] for h in typo}),
            "detail": prose(
                """The account's typo phrases (planted problems 30-34) never match literally, but
                customers say the correctly spelled sentence; Symbl matched those by meaning under
                the typo phrase."""
            ),
            "hits": [brief(h) for h in typo],
        }
    )

    # A phrase firing in the wrong context.
    wrong = [h for h in literal if line_of[h["message_id"]].tag == "wrong_context"]
    assert {h["tracker"] for h in wrong} == {CI, CF, SPIKING}, wrong
    facts.append(
        {
            "kind": "wrong_context",
            "trackers": sorted({h["tracker"] for h in wrong}),
            "phrases": sorted({h["value"] for h in wrong}),
            "detail": prose(
                """Literal hits that are false positives: 'how do I cancel' about a meeting invite in a
                demo (Cancellation Intent), 'I've been waiting for weeks' from an eager prospect
                (Customer Frustration), 'we're seeing an outage' about the prospect's own phone
                system in a sales call (Outage / Downtime)."""
            ),
            "hits": [brief(h) for h in wrong],
        }
    )

    # Trackers firing together.
    a, b = CO_OCCURRING
    n, na, nb, nab = len(conversations), len(fired[a]), len(fired[b]), len(fired[a] & fired[b])
    assert nab * n / (na * nb) > 2
    facts.append(
        {
            "kind": "co_occurring",
            "trackers": [a, b],
            "phrases": [],
            "detail": prose(
                """Discount requests come after the price is on the table: the two trackers fire in the
                same conversations far more often than chance (counts over all conversations)."""
            ),
            "conversations": n,
            "with_first": na,
            "with_second": nb,
            "with_both": nab,
            "expected_both_if_independent": round(na * nb / n, 2),
            "lift": round(nab * n / (na * nb), 2),
        }
    )

    # A tracker that rises after a date, and one that spikes in one week.
    def weekly(name: str) -> list[dict]:
        rows = []
        for w in range(N_WEEKS):
            start = PERIOD_START + dt.timedelta(weeks=w)
            ids = [
                c["id"]
                for c in conversations
                if start <= dt.date.fromisoformat(c["startTime"][:10]) < start + dt.timedelta(weeks=1)
            ]
            rows.append(
                {
                    "week_start": start.isoformat(),
                    "conversations": len(ids),
                    "with_tracker": sum(1 for i in ids if i in fired[name]),
                }
            )
        return rows

    def share(ids: list[str], name: str) -> dict:
        k = sum(1 for i in ids if i in fired[name])
        return {"conversations": len(ids), "with_tracker": k, "rate": round(k / len(ids), 4)}

    before = [c["id"] for c in conversations if c["startTime"] < COMPETITOR_RISE.isoformat()]
    after = [c["id"] for c in conversations if c["startTime"] >= COMPETITOR_RISE.isoformat()]
    rise = {"before": share(before, RISING), "after": share(after, RISING)}
    assert rise["after"]["rate"] >= 3 * rise["before"]["rate"], rise
    facts.append(
        {
            "kind": "rising_after_date",
            "trackers": [RISING],
            "phrases": [],
            "detail": prose(
                f"""A rival launched a free tier: from {COMPETITOR_RISE} (startTime on or after that
                day, UTC) prospects bring up competitors in far more calls. Rates are shares of all
                conversations."""
            ),
            "date": COMPETITOR_RISE.isoformat(),
            **rise,
            "weekly": weekly(RISING),
        }
    )
    week_end = OUTAGE_WEEK + dt.timedelta(weeks=1)
    in_week = [
        c["id"] for c in conversations if OUTAGE_WEEK.isoformat() <= c["startTime"] < week_end.isoformat()
    ]
    others = [c["id"] for c in conversations if c["id"] not in set(in_week)]
    spike = {"in_week": share(in_week, SPIKING), "other_weeks": share(others, SPIKING)}
    assert spike["in_week"]["rate"] >= 4 * spike["other_weeks"]["rate"], spike
    assert spike["other_weeks"]["with_tracker"] == len(OUTAGE_DAYS) + 2, spike  # as the detail says
    facts.append(
        {
            "kind": "spike_in_week",
            "trackers": [SPIKING],
            "phrases": [],
            "detail": prose(
                f"""An incident in the week of {OUTAGE_WEEK}: outage calls cluster there. The other
                weeks have two ordinary outage calls, one false positive (wrong_context) and one
                borderline match by meaning."""
            ),
            "week_start": OUTAGE_WEEK.isoformat(),
            **spike,
            "weekly": weekly(SPIKING),
        }
    )

    # Who says it: agent-only and customer-only trackers.
    def sides(name: str) -> dict:
        count = Counter(h["side"] for h in hits if h["tracker"] == name)
        return {"agent": count["agent"], "customer": count["customer"]}

    for kind, names, side in (
        ("agent_only", AGENT_ONLY, "customer"),
        ("customer_only", CUSTOMER_ONLY, "agent"),
    ):
        counts = {name: sides(name) for name in names}
        assert all(c[side] == 0 and sum(c.values()) >= 5 for c in counts.values()), counts
        facts.append(
            {
                "kind": kind,
                "trackers": names,
                "phrases": [],
                "detail": (
                    "Only Acme Cloud staff say these (greetings and the recording disclosure)."
                    if kind == "agent_only"
                    else "Only customers say these."
                ),
                "hits_by_side": counts,
            }
        )

    # Conversations no tracker catches.
    uncaught = sorted(cid for cid, d in results.items() if not d)
    expected = {r.conversation["id"] for r in rendered if r.blocks[0] == "off_topic"}
    expected |= {c["id"] for c in conversations if c["id"] in spanish and not results[c["id"]]}
    assert set(uncaught) == expected
    assert len(expected & set(spanish)) == 2
    facts.append(
        {
            "kind": "uncaught_conversations",
            "trackers": [],
            "phrases": [],
            "detail": prose(
                """Conversations with an empty result: four off-topic calls (a wrong number, a headset
                test between two agents, a courier, an event organiser) and two Spanish support
                calls about an invoice and a login link, which no tracker covers. Every other
                conversation has a hit."""
            ),
            "conversations": uncaught,
            "names": [by_id[c]["name"] for c in uncaught],
        }
    )

    # Spanish calls fire only the Spanish tracker; the Spanish tracker fires only on them.
    in_spanish = {h["tracker"] for h in hits if h["conversation_id"] in set(spanish)}
    assert in_spanish == {CANCELACION}
    assert fired[CANCELACION] <= set(spanish)
    es_literal = sorted(
        {h["conversation_id"] for h in hits if h["tracker"] == CANCELACION and h["offset"] >= 0}
    )
    facts.append(
        {
            "kind": "spanish_conversations",
            "trackers": [CANCELACION],
            "phrases": [],
            "detail": prose(
                """The es-ES calls of the Spanish support pod fire only 'Cancelación de Servicio' (the
                en-US trackers cannot fire there), and that tracker fires on nothing else."""
            ),
            "conversations": spanish,
            "firing": sorted(fired[CANCELACION]),
            "firing_literally": es_literal,
            "firing_only_by_meaning": sorted(fired[CANCELACION] - set(es_literal)),
        }
    )

    # Language gating: a Spanish phrase said in an English call is not reported.
    gated = [
        (cid, m)
        for cid, c in by_id.items()
        for m in c["messages"]
        if line_of[m["id"]].tag == "language_gated"
    ]
    assert len(gated) == 1
    cid, message = gated[0]
    spanish_tracker = next(t for t in trackers if t["name"] == CANCELACION)
    said_there = [p for p in spanish_tracker["vocabulary"] if phrase_pattern(p).search(message["text"])]
    assert said_there
    assert not any(h["tracker"] == CANCELACION and h["message_id"] == message["id"] for h in hits)
    facts.append(
        {
            "kind": "language_gated",
            "trackers": [CANCELACION],
            "phrases": said_there,
            "detail": prose(
                """A customer quotes a Spanish phrase of the es-ES tracker in an en-US call: the phrase
                occurs literally, but Symbl reports no hit of that tracker there (its languages
                exclude the call's)."""
            ),
            "conversation_id": cid,
            "message_id": message["id"],
            "text": message["text"],
            "stored_hits": 0,
        }
    )

    borderline = [h for h in meaning if line_of[h["message_id"]].tag == "borderline"]
    facts.append(
        {
            "kind": "borderline_by_meaning",
            "trackers": sorted({h["tracker"] for h in borderline}),
            "phrases": sorted({h["value"] for h in borderline}),
            "detail": prose(
                """Matches by meaning Symbl plausibly made that a reviewer would mark wrong ('Can you
                hold Thursday at two' under Hold/Transfer, 'our old office lease was a lot cheaper'
                under Competitor Mention, ...)."""
            ),
            "hits": [brief(h) for h in borderline],
        }
    )
    both = [h for h in meaning if line_of[h["message_id"]].tag == "literal_and_meaning"]
    assert len(both) == 1
    literal_value = next(
        x["value"] for x in literal if x["message_id"] == both[0]["message_id"] and x["tracker"] == PI
    )
    facts.append(
        {
            "kind": "literal_and_meaning_same_message",
            "trackers": [PI],
            "phrases": [literal_value, both[0]["value"]],
            "detail": prose(
                """One message appears under two phrases of the same tracker, literally under one and
                by meaning under the other, as Symbl's documentation allows. A replay that reports a
                match by meaning only where the tracker has no literal match will not report the
                second one."""
            ),
            "conversation_id": both[0]["conversation_id"],
            "message_id": both[0]["message_id"],
            "literal_value": literal_value,
            "meaning_value": both[0]["value"],
            "text": both[0]["text"],
        }
    )

    # Every conversation not listed as uncaught has at least one hit; agents never sound like customers.
    assert all(results[c["id"]] for c in conversations if c["id"] not in set(uncaught))
    return facts


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def dump_lines(items: list, *, key: str | None = None) -> str:
    """Compact JSON with one record per line: small, yet diffs stay readable."""

    def one(x) -> str:
        return json.dumps(x, ensure_ascii=False, separators=(",", ":"))

    if key is None:  # a mapping: one entry per line
        body = ",\n".join(f"{one(k)}:{one(v)}" for k, v in items)
        return "{\n" + body + "\n}\n"
    return "{" + one(key) + ":[\n" + ",\n".join(one(x) for x in items) + "\n]}\n"


def summary(fact: dict) -> str:
    """The exact expected values of a fact, short enough for a table cell."""
    kind = fact["kind"]
    if kind == "totals":
        return (
            f"{fact['conversations']} conversations, {fact['messages']} messages, "
            f"{fact['spanish_conversations']} in Spanish; {fact['literal_hits']} literal and "
            f"{fact['meaning_hits']} by-meaning hits; {fact['conversations_with_hits']} conversations "
            f"and {fact['trackers_firing']} trackers with hits"
        )
    if kind == "never_fires":
        return "0 hits, 0 conversations"
    if kind == "dead_phrases":
        return f"{fact['n_dead']} of {fact['n_phrases']} phrases dead (listed in the JSON)"
    if kind == "phrase_usage":
        live = sum(fact["live_phrases_per_tracker"].values())
        return f"{live} of {sum(fact['phrases_per_tracker'].values())} distinct phrases match literally"
    if kind == "meaning_only_tracker":
        return f"{fact['meaning_hits']} hits in {len(fact['conversations'])} conversations, all offset -1"
    if kind == "meaning_only_in_some_conversations":
        return (
            f"conversations: {len(fact['conversations_literal'])} with a literal hit, "
            f"{len(fact['conversations_meaning_only'])} only by meaning"
        )
    if kind in (
        "paraphrase_by_meaning",
        "typo_phrase_said_correctly",
        "wrong_context",
        "borderline_by_meaning",
    ):
        return f"{len(fact['hits'])} hits (listed in the JSON)"
    if kind == "co_occurring":
        return (
            f"{fact['with_first']} / {fact['with_second']} / both {fact['with_both']} of "
            f"{fact['conversations']}; lift {fact['lift']}"
        )
    if kind == "rising_after_date":
        b, a = fact["before"], fact["after"]
        return (
            f"before {fact['date']}: {b['with_tracker']}/{b['conversations']} ({b['rate']}); "
            f"from then: {a['with_tracker']}/{a['conversations']} ({a['rate']})"
        )
    if kind == "spike_in_week":
        w, o = fact["in_week"], fact["other_weeks"]
        return (
            f"week of {fact['week_start']}: {w['with_tracker']}/{w['conversations']}; other weeks: "
            f"{o['with_tracker']}/{o['conversations']}"
        )
    if kind in ("agent_only", "customer_only"):
        return "; ".join(
            f"{n}: agent {c['agent']}, customer {c['customer']}" for n, c in fact["hits_by_side"].items()
        )
    if kind == "uncaught_conversations":
        return f"{len(fact['conversations'])} conversations with `[]`"
    if kind == "spanish_conversations":
        return (
            f"{len(fact['conversations'])} calls; the tracker fires in {len(fact['firing'])} "
            f"({len(fact['firing_only_by_meaning'])} only by meaning), nothing else fires"
        )
    if kind == "language_gated":
        return "the phrase occurs literally; 0 stored hits"
    if kind == "literal_and_meaning_same_message":
        return f"`{fact['literal_value']}` at offset >= 0 and `{fact['meaning_value']}` at -1"
    raise ValueError(kind)


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


CARD_HEAD = """# trackerkit sample conversations

<!-- Written by tools/make_sample_conversations.py; edit the script, not this file. -->

`sample_conversations.json` holds {conversations} recorded calls of **Acme Cloud**, the fictional
company of the sample account (`sample_account.json`, see `README.md`): sales calls (discovery,
demos, pricing and contract talks, account reviews, trial check-ins) and support calls (billing,
payments, login, bugs, an outage, cancellations, how-to questions), written for the account's 48
trackers. `sample_tracker_results.json` holds, for every call, what Symbl plausibly returned from
`GET /v1/conversations/{{id}}/trackers-detected`. `sample_conversation_facts.json` lists the facts
planted in the calls, machine-readably, with exact expected numbers; the table below mirrors it.

All people, companies and e-mail addresses are fictional (`.example` domains); real software
vendors appear only as competitors or integrations, as in the account.

## Files and shapes

* `sample_conversations.json`: `{{"conversations": [...]}}`, one conversation per line, sorted by
  `startTime`. Each conversation has the fields of `GET /v1/conversations`: `id`, `type`
  (always `"audio"`), `name`, `startTime`, `endTime`, `members` (`name`, `email`) and `metadata`, plus
  `messages`: the body of `GET /v1/conversations/{{id}}/messages`, i.e. message objects with `id`,
  `conversationId`, `text`, `from` (`id`, `name`, `email`), `startTime`, `endTime`, `timeOffset`
  and `duration`.
* `sample_tracker_results.json`: `{{conversation_id: [tracker, ...]}}`, one conversation per line, every
  conversation present (`[]` when nothing fired). Each tracker is `{{"id", "name", "matches": [{{"type":
  "vocabulary", "value", "messageRefs": [{{"id", "text", "offset"}}], "insightRefs": []}}]}}` exactly as
  documented.
* `sample_conversation_facts.json`: a list of `{{"kind", "trackers", "phrases", "detail", ...}}`; the
  other keys of each kind hold the exact expected values (conversation and message ids, counts, rates).

## Conventions

| what | convention |
|---|---|
{conventions}

## Counts

| | |
|---|---|
{counts}

## Planted facts

Exact values are computed from the stored results by the generator, which also asserts each planted
intent (for example that no customer ever says a greeting phrase). Ids and per-hit details are in
`sample_conversation_facts.json`.

| # | kind | tracker(s) | phrase(s) | expected | detail |
|---|---|---|---|---|---|
{facts}

## Regenerating

`python tools/make_sample_conversations.py` rewrites the three JSON files and this card, byte for
byte the same (fixed seed {seed}). It reads only `sample_account.json` and computes the stored results
with its own literal matcher, never with trackerkit's code, so comparing a replay with them is a real
check.

## Licence

Written for trackerkit and distributed under the same licence as the project (MIT).
"""


CONVENTIONS = [
    (
        "ids",
        """conversation and message ids are strings of 16 digits (first digit 4-6), unique across
        the sample and distinct from the tracker ids""",
    ),
    (
        "speaker role",
        """`metadata.agents` lists the e-mails of the Acme Cloud staff in the call; every other
        member is a customer. Staff e-mails, and only theirs, end in `@{agent_domain}`""",
    ),
    (
        "`from`",
        """`id` is a stable UUID per person (a name-based UUID of the e-mail), `name` and `email`
        as in `members`""",
    ),
    (
        "times",
        """ISO-8601 UTC with milliseconds (`2026-06-01T14:03:12.340Z`). `timeOffset` and
        `duration` are seconds (two decimals) from the conversation's `startTime`; `startTime +
        timeOffset` is the message's `startTime` and `startTime + timeOffset + duration` its `endTime`,
        to the millisecond. Calls span {first_day} to {last_day}, weekdays, in business hours (New York
        for the US teams, Madrid for the Spanish pod); no US call on {holiday}. Message durations
        follow the words said (2.3-3.1 words a second), with short pauses between turns and longer
        ones while an agent looks something up or a caller is on hold. The scripts are condensed,
        so calls last minutes, not the half hour of a real discovery call.""",
    ),
    (
        "metadata",
        """`channel` (`phone`, `zoom`, `google_meet`, `teams`), `team` (`sales`, `support`),
        `language` (`en-US`, `es-ES`), `customer_tier` (`smb`, `mid-market`, `enterprise`, `null` for
        off-topic calls), `customer_company` (`null` for off-topic calls), `agents`, and `case_id` on
        support calls""",
    ),
    (
        "text",
        """as transcribed: plain spaces, ASCII apostrophes, NFKC-stable; no literal match of a
        phrase is glued to an apostrophe or a hyphen, so any word-boundary matcher agrees on the
        literal hits""",
    ),
    (
        "literal hit",
        """a phrase, its ends stripped of punctuation (`Can I get a discount?` -> `Can I get a
        discount`), occurs case-insensitively with no word character right before or after it;
        `offset` is the 0-based position of its first occurrence in `text`, so `text[offset:offset +
        len(match)]` is the match""",
    ),
    (
        "hit by meaning",
        """`offset` -1: the paraphrases planted in the scripts (each knows which phrase it
        paraphrases) plus a few borderline ones; never in a message where the same tracker matches
        literally, except the one listed case""",
    ),
    (
        "which trackers",
        """a tracker is reported only for calls that started after its `createdOn` and,
        when it declares `languages`, only for calls in one of them. All 32 dated trackers were created
        and last edited before the period and the 16 undated ones are taken to predate it, so in this
        sample no hit is withheld by `createdOn`; only languages gate.""",
    ),
    (
        "order",
        """trackers in account order, matches in vocabulary order (an exact duplicate phrase is
        reported once), messageRefs in message order""",
    ),
]


def card(rendered: list[Rendered], results: dict, facts: list[dict]) -> str:
    totals = facts[0]
    conversations = [r.conversation for r in rendered]
    durations = sorted(
        (
            dt.datetime.fromisoformat(c["endTime"][:-1]) - dt.datetime.fromisoformat(c["startTime"][:-1])
        ).total_seconds()
        for c in conversations
    )
    lengths = sorted(len(c["messages"]) for c in conversations)
    kinds = Counter(
        "Spanish" if c["metadata"]["language"] == "es-ES" else c["metadata"]["team"] for c in conversations
    )
    counts = [
        (
            "conversations",
            f"{totals['conversations']} ({kinds['sales']} sales, {kinds['support']} support, "
            f"{kinds['Spanish']} Spanish support; {len(OFF_TOPIC_CALLS)} of them off-topic)",
        ),
        (
            "messages",
            f"{totals['messages']} ({lengths[0]}-{lengths[-1]} per call, "
            f"median {lengths[len(lengths) // 2]})",
        ),
        (
            "call length",
            f"{durations[0] / 60:.1f}-{durations[-1] / 60:.1f} minutes, median "
            f"{durations[len(durations) // 2] / 60:.1f}",
        ),
        ("stored hits", f"{totals['literal_hits']} literal, {totals['meaning_hits']} by meaning"),
        ("trackers with hits", f"{totals['trackers_firing']} of 48"),
    ]
    rows = []
    for i, f in enumerate(facts, 1):
        trackers = ", ".join(f["trackers"]) if len(f["trackers"]) <= 6 else f"all {len(f['trackers'])}"
        phrases = (
            " / ".join(f"`{p}`" for p in f["phrases"])
            if 0 < len(f["phrases"]) <= 6
            else (f"{len(f['phrases'])} phrases" if f["phrases"] else "-")
        )
        rows.append(
            f"| {i} | `{f['kind']}` | {cell(trackers or '-')} | {cell(phrases)} | {cell(summary(f))} | "
            f"{cell(f['detail'])} |"
        )
    period_end = PERIOD_START + dt.timedelta(weeks=N_WEEKS, days=-1)
    conventions = "\n".join(f"| {what} | {prose(text)} |" for what, text in CONVENTIONS)
    return CARD_HEAD.format(
        conventions=conventions.format(
            agent_domain=AGENT_DOMAIN, first_day=PERIOD_START, last_day=period_end, holiday=min(US_HOLIDAYS)
        ),
        conversations=totals["conversations"],
        seed=SEED,
        counts="\n".join(f"| {k} | {v} |" for k, v in counts),
        facts="\n".join(rows),
    )


def main() -> None:
    account = json.loads((DATA / "sample_account.json").read_text("utf-8"))
    trackers = account["trackers"]
    dated = [t for t in trackers if "createdOn" in t]
    # The card says createdOn withholds nothing here: every dated tracker predates the sample.
    assert len(dated) == 32
    assert all(max(t["createdOn"], t["updatedOn"]) < PERIOD_START.isoformat() for t in dated)
    patterns = {p: phrase_pattern(p) for t in trackers for p in t["vocabulary"]}
    specs = plan_calls(random.Random(SEED))
    renderer = Renderer(SEED + 10, {t["id"] for t in trackers})
    rendered = sorted((renderer.render(s) for s in specs), key=lambda r: r.conversation["startTime"])
    for r in rendered:
        check_text(r, patterns)
    results = {r.conversation["id"]: detect(r, trackers, patterns) for r in rendered}
    facts = facts_and_checks(rendered, results, trackers)
    conversations = [r.conversation for r in rendered]
    (DATA / "sample_conversations.json").write_text(dump_lines(conversations, key="conversations"), "utf-8")
    (DATA / "sample_tracker_results.json").write_text(dump_lines(list(results.items())), "utf-8")
    (DATA / "sample_conversation_facts.json").write_text(
        json.dumps(facts, ensure_ascii=False, indent=1) + "\n", "utf-8"
    )
    (DATA / "CONVERSATIONS.md").write_text(card(rendered, results, facts), "utf-8")
    for name in (
        "sample_conversations.json",
        "sample_tracker_results.json",
        "sample_conversation_facts.json",
        "CONVERSATIONS.md",
    ):
        print(f"{name}: {(DATA / name).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
