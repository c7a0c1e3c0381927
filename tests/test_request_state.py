from unittest.mock import patch

from odoo.tests import TransactionCase, new_test_user, tagged

from ..protocol import interaction
from ..protocol.errors import McpProtocolError


@tagged("post_install", "-at_install")
class TestRequestState(TransactionCase):
    """The requestState of input-required results comes back from the client:
    only an unaltered, fresh state of the same user and target is accepted."""

    def setUp(self):
        super().setUp()
        self.user = new_test_user(self.env, "state_user", groups="mcp_gateway.group_mcp_user")
        self.env_user = self.env(user=self.user)
        self.token = interaction.sign_state(self.env_user, "tool:demo", {"step": 2})

    def _verify(self, env, target, token):
        return interaction.verify_state(env, target, token, http_status=400)

    def test_round_trip(self):
        self.assertEqual(self._verify(self.env_user, "tool:demo", self.token), {"step": 2})

    def test_altered_states_are_refused(self):
        payload, mac = self.token.split(".")
        for token in (self.token + "-TAMPERED", payload + "x." + mac, "garbage", "", "a.b.c"):
            with self.assertRaises(McpProtocolError) as caught:
                self._verify(self.env_user, "tool:demo", token)
            self.assertEqual(caught.exception.code, -32602)

    def test_other_target_or_user_is_refused(self):
        with self.assertRaises(McpProtocolError):
            self._verify(self.env_user, "tool:other", self.token)
        other = new_test_user(self.env, "state_other", groups="mcp_gateway.group_mcp_user")
        with self.assertRaises(McpProtocolError):
            self._verify(self.env(user=other), "tool:demo", self.token)

    def test_expired_state_is_refused(self):
        later = interaction.time.time() + interaction.STATE_LIFETIME_SECONDS + 1
        with patch.object(interaction.time, "time", return_value=later):
            with self.assertRaises(McpProtocolError):
                self._verify(self.env_user, "tool:demo", self.token)
