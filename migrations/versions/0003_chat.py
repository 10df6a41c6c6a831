"""Chat: conversations, participants, messages with a per-conversation sequence, feedback.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from migrations.sql import execute

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute(
        """
        CREATE TABLE conversations (
            id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            owner_user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            owner_document     text,
            title              text,
            handoff_state      text NOT NULL DEFAULT 'none'
                               CHECK (handoff_state IN ('none', 'requested', 'active')),
            handoff_requested_at timestamptz,
            agent_user_id      bigint REFERENCES users (id),
            last_seq           bigint NOT NULL DEFAULT 0,   -- the sequence allocator (row lock)
            context            jsonb NOT NULL DEFAULT '{}'::jsonb,  -- the assistant's follow-up context
            created_at         timestamptz NOT NULL DEFAULT now(),
            updated_at         timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX conversations_owner_idx ON conversations (owner_user_id, updated_at DESC);
        CREATE INDEX conversations_handoff_idx ON conversations (handoff_requested_at)
            WHERE handoff_state = 'requested';

        CREATE TABLE conversation_participants (
            conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            role            text NOT NULL CHECK (role IN ('employee', 'agent')),
            joined_at       timestamptz NOT NULL DEFAULT now(),
            left_at         timestamptz,
            PRIMARY KEY (conversation_id, user_id)
        );
        CREATE INDEX conversation_participants_user_idx ON conversation_participants (user_id);

        CREATE TABLE messages (
            id                bigserial PRIMARY KEY,
            conversation_id   uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            seq               bigint NOT NULL,
            sender_kind       text NOT NULL CHECK (sender_kind IN ('user', 'assistant', 'agent', 'system')),
            sender_user_id    bigint REFERENCES users (id),
            client_message_id text,
            reply_to          bigint REFERENCES messages (id),
            text              text NOT NULL,
            payload           jsonb NOT NULL DEFAULT '{}'::jsonb,
            created_at        timestamptz NOT NULL DEFAULT now(),
            UNIQUE (conversation_id, seq)
        );
        CREATE UNIQUE INDEX messages_client_id_key ON messages (sender_user_id, client_message_id)
            WHERE client_message_id IS NOT NULL;
        CREATE INDEX messages_reply_idx ON messages (reply_to) WHERE reply_to IS NOT NULL;

        CREATE TABLE message_feedback (
            message_id  bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
            user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            useful      boolean NOT NULL,
            details     text,
            question    text,
            answer      text NOT NULL,
            intent      text,
            created_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (message_id, user_id)
        );
        """
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only migrations")
