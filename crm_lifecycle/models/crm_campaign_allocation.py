# Copyright 2026 crm_lifecycle contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A call or visit campaign run while it runs: its open calls moved from
agents to others (any, oldest first, or the customers of most value first),
agents added or removed mid-campaign (the open calls follow: a removed
agent's go to the others, an added agent gets a fair share), and the
campaign paused (its open calls leave the agents' lists) and resumed (they
come back, for the agents of the customers by then).

The unit of work is a target member not yet contacted with an open campaign
activity (or one the pause put on hold): a move gives the member and its
activities to the new agent together, so the contact the agent then makes is
credited to the agent. Each move is two UPDATEs, checked first as the ORM
checks a write of those activities (the activity rules, else the write
rules of their customers), and logged in the campaign's chatter, its
timeline.
"""
from collections import Counter, OrderedDict

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from .. import compat
from ..guard import check_rules, permitted_ids
from ..sql import compose

# how the calls to move are chosen (and dealt to the receivers)
MOVE_ORDERS = [
    ("deadline", "Oldest Calls First"),
    ("value", "Most Valuable Customers First"),
]
# at most this many agents receive calls in one move (a bound on the input)
MAX_AGENTS = 200


def deal(count, receivers, snake=False):
    """The receiver of each of `count` calls, dealt in turn to `receivers`
    (a list of user ids). `snake`: back and forth (1 2 3 3 2 1 ...), so
    that calls sorted by value give each receiver about the same value
    (the first receiver does not get the best call of every round)."""
    n = len(receivers)
    if not n:
        return []
    result = []
    for position in range(count):
        turn, index = divmod(position, n)
        result.append(receivers[n - 1 - index if snake and turn % 2 else index])
    return result


def fair_shares(current, agents):
    """{agent: how many calls it should hold}: the calls of `current`
    ({user: count}, users outside `agents` included) shared by `agents` as
    evenly as whole calls allow; the extra calls go to those holding the
    most already (the fewest moves)."""
    total = sum(current.values())
    if not agents:
        return {}
    base, extra = divmod(total, len(agents))
    ranked = sorted(agents, key=lambda user: (-current.get(user, 0), user))
    return {user: base + (1 if rank < extra else 0) for rank, user in enumerate(ranked)}


class CrmCampaign(models.Model):
    _inherit = "crm.campaign"

    paused = fields.Boolean(
        readonly=True, copy=False, **compat.TRACKING,
        help="The campaign's open calls or visits are on hold: out of the agents' lists "
             "until it is resumed. Responses still count.")

    # ------------------------------------------------------------ checks
    def _check_live_calls(self):
        """A running call or visit campaign the caller may run (manager,
        write rule, companies)."""
        self._check_manager()
        for campaign in self:
            if campaign.state not in ("launched", "running"):
                raise UserError(_("Campaign %s is not running: its calls can no longer be "
                                  "moved, paused or resumed.") % campaign.name)
            if campaign.execution != "activity":
                raise UserError(_("Campaign %s does not work through calls or visits (its "
                                  "channel sends everything at once): there is nothing to "
                                  "move, pause or resume.") % campaign.name)

    def _check_agents(self, users):
        """Users who can take calls of this campaign: active internal users
        of its company."""
        self.ensure_one()
        if len(users) > MAX_AGENTS:
            raise UserError(_("At most %d agents can receive calls at once.") % MAX_AGENTS)
        for user in users:
            if not user.active or user.share or \
                    self.company_id not in user.company_ids:
                raise UserError(_(
                    "%(user)s cannot take the calls of campaign %(campaign)s: only active "
                    "internal users of %(company)s can.") % {
                        "user": user.name, "campaign": self.name,
                        "company": self.company_id.name})

    def _check_activities_write(self, activity_ids, operation="write"):
        """Hold the caller to what the ORM allows for `operation` ('write',
        'unlink') on these activities: the activity rules, else write access
        to the customers they are on (Odoo's mail.activity._check_access),
        asked in a few queries for all of them."""
        activities = self.env["mail.activity"].browse(activity_ids)
        if not activities:
            return
        activities.check_access_rights(operation)
        refused = set(activities.ids) - permitted_ids(activities, operation)
        if not refused:
            return
        self.env.cr.execute("""
            SELECT DISTINCT res_id FROM mail_activity
             WHERE id = ANY(%s) AND res_model = 'res.partner'
        """, (sorted(refused),))
        partners = self.env["res.partner"].browse([row[0] for row in self.env.cr.fetchall()])
        partners.check_access_rights("write")
        check_rules(partners, "write")

    # ------------------------------------------------------------ the open calls
    def _member_value_sql(self):
        """(join, expression): the value of a member's customer, for "most
        valuable customers first"; they read `m` (the member) and `c` (its
        campaign). Here the customer's purchases in the campaign's company;
        the analytics addon puts the predicted lifetime value instead."""
        return ("""LEFT JOIN LATERAL (
                       SELECT sum(t.company_amount) AS value FROM crm_touchpoint t
                        WHERE t.commercial_partner_id = m.partner_id AND t.kind = 'purchase'
                          AND t.company_id = c.company_id) mv ON TRUE""",
                "COALESCE(mv.value, 0)")

    def _open_calls(self, users=None, order="deadline", with_value=False):
        """The campaign's open work: [(member id, its agent, value)], one
        per target member not yet contacted that has an open campaign
        activity or is on hold; only those of `users` when given; sorted
        oldest call first, or most valuable customer first."""
        self.ensure_one()
        join, value = self._member_value_sql() if (with_value or order == "value") \
            else ("", "0")
        order_by = "value DESC, m.id" if order == "value" else "deadline, m.id"
        query = compose("""
            SELECT m.id, m.user_id, {value} AS value,
                   (SELECT min(a.date_deadline) FROM mail_activity a
                     WHERE a.campaign_member_id = m.id) AS deadline
              FROM crm_campaign_member m
              JOIN crm_campaign c ON c.id = m.campaign_id
              {join}
             WHERE m.campaign_id = %(campaign)s AND m.split_group = 'target'
               AND m.state = 'planned' AND m.contact_date IS NULL
               AND (m.on_hold OR EXISTS (SELECT 1 FROM mail_activity a
                                          WHERE a.campaign_member_id = m.id))
               AND (%(all)s OR m.user_id = ANY(%(users)s))
             ORDER BY {order_by}
        """, value=value, join=join, order_by=order_by)
        # the ORM's pending writes reach the tables before this query
        compat.flush(self.env)
        self.env.cr.execute(query, {"campaign": self.id, "all": users is None,
                                    "users": list(users.ids) if users is not None else []})
        return [(row[0], row[1], float(row[2] or 0.0)) for row in self.env.cr.fetchall()]

    def open_call_counts(self):
        """{agent id: open calls} of the campaign (on hold included)."""
        self.ensure_one()
        self.env.cr.execute("""
            SELECT m.user_id, count(*) FROM crm_campaign_member m
             WHERE m.campaign_id = %(campaign)s AND m.split_group = 'target'
               AND m.state = 'planned' AND m.contact_date IS NULL
               AND (m.on_hold OR EXISTS (SELECT 1 FROM mail_activity a
                                          WHERE a.campaign_member_id = m.id))
             GROUP BY 1
        """, {"campaign": self.id})
        return dict(self.env.cr.fetchall())

    # sql-write: the calls (up to 100,000s) given to their new agents in two statements, the
    # members and their activities; every caller goes through _check_live_calls (manager,
    # write rule and companies of the campaign), _check_agents (the receivers) and
    # _check_activities_write (what the ORM would let the caller write on those activities)
    def _move_calls(self, member_ids, user_ids):
        """Give member `member_ids[i]` and its open activities to
        `user_ids[i]`. Returns Counter({(from user, to user): calls})."""
        self.ensure_one()
        if not member_ids:
            return Counter()
        cr = self.env.cr
        cr.execute("""
            SELECT id FROM mail_activity WHERE campaign_member_id = ANY(%s)
        """, (list(member_ids),))
        self._check_activities_write([row[0] for row in cr.fetchall()])
        members = self.env["crm.campaign.member"].browse(member_ids)
        members.check_access_rights("write")
        check_rules(members, "write")
        cr.execute("""
            UPDATE mail_activity a
               SET user_id = x.user_id, write_uid = %(uid)s,
                   write_date = now() at time zone 'UTC'
              FROM unnest(%(members)s::int[], %(users)s::int[]) AS x(member_id, user_id)
             WHERE a.campaign_member_id = x.member_id AND a.user_id IS DISTINCT FROM x.user_id
        """, {"members": list(member_ids), "users": list(user_ids), "uid": self.env.uid})
        cr.execute("""
            WITH moved AS (
                SELECT m.id, m.user_id AS old_user, x.user_id AS new_user
                  FROM unnest(%(members)s::int[], %(users)s::int[]) AS x(member_id, user_id)
                  JOIN crm_campaign_member m ON m.id = x.member_id
                 WHERE m.campaign_id = %(campaign)s
                   AND m.user_id IS DISTINCT FROM x.user_id
                   FOR UPDATE OF m
            ), updated AS (
                UPDATE crm_campaign_member m SET user_id = moved.new_user
                  FROM moved WHERE m.id = moved.id
                RETURNING moved.old_user, moved.new_user
            )
            SELECT old_user, new_user, count(*) FROM updated GROUP BY 1, 2
        """, {"members": list(member_ids), "users": list(user_ids), "campaign": self.id})
        moves = Counter({(old, new): count for old, new, count in cr.fetchall()})
        compat.invalidate_all(self.env)
        return moves

    def _log_moves(self, moves, why):
        """Say in the campaign's chatter who gave how many calls to whom."""
        self.ensure_one()
        if not moves:
            return
        users = self.env["res.users"].browse(
            sorted({user for pair in moves for user in pair if user}))
        names = {user.id: user.name for user in users}
        nobody = _("nobody")
        given, taken = OrderedDict(), OrderedDict()
        for (old, new), count in sorted(moves.items(), key=lambda item: -item[1]):
            given[old] = given.get(old, 0) + count
            taken[new] = taken.get(new, 0) + count
        lines = [why, _("%(n)d open calls moved.") % {"n": sum(moves.values())},
                 _("From: %s") % ", ".join("%s (%d)" % (names.get(u, nobody), n)
                                           for u, n in given.items()),
                 _("To: %s") % ", ".join("%s (%d)" % (names.get(u, nobody), n)
                                         for u, n in taken.items())]
        self.message_post(body=plaintext2html("\n".join(lines)))

    # ------------------------------------------------------------ actions
    def move_calls(self, from_users, to_users, count=0, order="deadline"):
        """Move `count` open calls (0: all) of `from_users` to `to_users`,
        chosen and dealt by `order` ('deadline': the oldest, dealt in turn;
        'value': the most valuable customers, dealt back and forth so each
        receiver gets about the same value). Returns the Counter of moves."""
        self.ensure_one()
        self._check_live_calls()
        to_users = to_users - from_users
        if not from_users:
            raise UserError(_("Choose the agents whose calls to move."))
        if not to_users:
            raise UserError(_("Choose the agents who take the calls (other than those "
                              "giving them)."))
        if count < 0:
            raise UserError(_("The number of calls to move cannot be negative (%d).") % count)
        if order not in dict(MOVE_ORDERS):
            raise UserError(_("Unknown order of the calls to move: %s.") % order)
        self._check_agents(to_users)
        calls = self._open_calls(users=from_users, order=order)
        if count:
            calls = calls[:count]
        if not calls:
            raise UserError(_("%s have no open call in this campaign.")
                            % ", ".join(from_users.mapped("name")))
        receivers = deal(len(calls), to_users.ids, snake=order == "value")
        moves = self._move_calls([call[0] for call in calls], receivers)
        how = {"deadline": _("the oldest calls first, dealt in turn"),
               "value": _("the most valuable customers first, dealt back and forth")}[order]
        self._log_moves(moves, _("Calls moved by %(user)s: %(how)s.") % {
            "user": self.env.user.name, "how": how})
        return moves

    def _rebalance(self, agents, why):
        """Share the open calls among `agents` (a res.users recordset): the
        calls of anyone else go to them, and those above a fair share give
        their surplus (their newest calls) to those below it, the most
        valuable first, dealt back and forth."""
        self.ensure_one()
        calls = self._open_calls(order="deadline", with_value=True)
        if not calls or not agents:
            return Counter()
        current = Counter(call[1] for call in calls)
        shares = fair_shares(current, agents.ids)
        kept = Counter()
        pool = []
        for member_id, user_id, value in calls:
            if user_id in shares and kept[user_id] < shares[user_id]:
                kept[user_id] += 1
            else:
                pool.append((member_id, value))
        # the receivers, each as often as it lacks calls, interleaved
        deficits = OrderedDict((user, shares[user] - kept[user]) for user in agents.ids
                               if shares[user] > kept[user])
        slots = []
        while any(deficits.values()):
            for user in deficits:
                if deficits[user]:
                    slots.append(user)
                    deficits[user] -= 1
        if not pool:
            return Counter()
        pool.sort(key=lambda item: (-item[1], item[0]))
        moves = self._move_calls([item[0] for item in pool], slots[:len(pool)])
        self._log_moves(moves, why)
        return moves

    def action_pause(self):
        """Take the campaign's open calls or visits out of the agents' lists
        (their members are on hold) until it is resumed."""
        self._check_live_calls()
        cr = self.env.cr
        for campaign in self.filtered(lambda c: not c.paused):
            # the ORM's pending writes reach the tables before these queries
            compat.flush(self.env)
            cr.execute("""
                SELECT a.id FROM mail_activity a
                  JOIN crm_campaign_member m ON m.id = a.campaign_member_id
                 WHERE m.campaign_id = %s
            """, (campaign.id,))
            activity_ids = [row[0] for row in cr.fetchall()]
            campaign._check_activities_write(activity_ids, "unlink")
            held = campaign._hold_calls(activity_ids)
            campaign.write({"paused": True})
            campaign.message_post(body=plaintext2html(_(
                "Paused by %(user)s: %(n)d open calls taken out of the agents' lists until "
                "the campaign is resumed.") % {"user": self.env.user.name, "n": held}))
        return True

    # sql-write: the campaign's open activities removed and their members put on hold in two
    # statements; action_pause checks the caller first (_check_live_calls, and the ORM's
    # unlink check of those activities)
    def _hold_calls(self, activity_ids):
        self.ensure_one()
        cr = self.env.cr
        cr.execute("""
            UPDATE crm_campaign_member m SET on_hold = TRUE
             WHERE m.campaign_id = %s AND m.split_group = 'target' AND m.state = 'planned'
               AND m.contact_date IS NULL
               AND EXISTS (SELECT 1 FROM mail_activity a WHERE a.campaign_member_id = m.id)
        """, (self.id,))
        held = cr.rowcount
        cr.execute("DELETE FROM mail_activity WHERE id = ANY(%s)", (activity_ids,))
        compat.invalidate_all(self.env)
        return held

    def action_resume(self):
        """Give the calls on hold back to their agents' lists."""
        self._check_live_calls()
        for campaign in self.filtered("paused"):
            created = campaign._execute_activity(on_hold=True)
            campaign._release_hold()
            campaign.write({"paused": False})
            campaign.message_post(body=plaintext2html(_(
                "Resumed by %(user)s: %(n)d open calls back in the agents' lists.")
                % {"user": self.env.user.name, "n": created}))
        return True

    # sql-write: the members' hold lifted in one statement, after action_resume checked the
    # caller (_check_live_calls) and gave them their activities back
    def _release_hold(self):
        self.env.cr.execute("""
            UPDATE crm_campaign_member SET on_hold = FALSE
             WHERE campaign_id = %s AND on_hold
        """, (self.id,))
        compat.invalidate_all(self.env)

    # sql-write: the hold of a closed campaign's members lifted in one statement, after
    # action_done checked the caller (_check_manager) and removed their calls
    def action_done(self):
        result = super(CrmCampaign, self).action_done()
        self.env.cr.execute("""
            UPDATE crm_campaign_member SET on_hold = FALSE
             WHERE campaign_id = ANY(%s) AND on_hold
        """, (self.ids,))
        compat.invalidate_all(self.env)
        self.filtered("paused").write({"paused": False})
        return result

    def write(self, vals):
        """Agents added or removed on a running call campaign: the open
        calls follow (a removed agent's go to the others, an added agent
        gets a fair share)."""
        if "agent_ids" not in vals:
            return super(CrmCampaign, self).write(vals)
        live = self.filtered(lambda c: c.state in ("launched", "running")
                             and c.execution == "activity")
        before = {campaign.id: campaign.agent_ids for campaign in live}
        result = super(CrmCampaign, self).write(vals)
        for campaign in live:
            old, new = before[campaign.id], campaign.agent_ids
            if old == new:
                continue
            campaign._check_live_calls()
            if not new:
                raise UserError(_(
                    "Campaign %s is running: its open calls need at least one agent. Add "
                    "the agents who take them over before removing the last one.")
                    % campaign.name)
            campaign._check_agents(new - old)
            names = []
            if new - old:
                names.append(_("added %s") % ", ".join((new - old).mapped("name")))
            if old - new:
                names.append(_("removed %s") % ", ".join((old - new).mapped("name")))
            why = _("Agents changed by %(user)s: %(changes)s; the open calls shared again.") \
                % {"user": self.env.user.name, "changes": "; ".join(names)}
            if not campaign._rebalance(new, why):
                campaign.message_post(body=plaintext2html(why))
        return result


class CrmCampaignMember(models.Model):
    _inherit = "crm.campaign.member"

    on_hold = fields.Boolean(
        readonly=True, help="Its call or visit was taken out of the agent's list when the "
                            "campaign was paused; it comes back when the campaign resumes.")


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def write(self, vals):
        """A campaign call given to another user in Odoo's own screens: its
        member follows, so that the contact is credited to who makes it."""
        result = super(MailActivity, self).write(vals)
        if vals.get("user_id"):
            members = self.mapped("campaign_member_id").filtered(
                lambda m: m.state == "planned" and m.user_id.id != vals["user_id"])
            if members:
                # sudo: the members of the activities the ORM just let the caller write,
                # given to the user those activities now belong to (nothing else changes)
                members.sudo().write({"user_id": vals["user_id"]})
        return result
