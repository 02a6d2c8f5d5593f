-- Prompts captured by `agentmeter track --prompt/--prompt-file` (capture-prompt.sh's habit): their
-- length in characters and words, the tokens estimated from them, and the text itself only where the
-- caller opted in with --store-prompt (redacted by the client, at most 1,000 characters). By session,
-- so that a prompt and the usage it caused can be read together.
CREATE VIEW prompts AS
SELECT session_id,
       occurred_at,
       event_id,
       agent,
       user_id,
       team_id,
       coalesce(model_key, model)                          AS model_key,
       task_type,
       prompt_chars,
       CASE WHEN attributes ->> 'promptWords' ~ '^[0-9]{1,18}$'
            THEN (attributes ->> 'promptWords')::bigint END AS prompt_words,
       input_tokens,
       output_tokens,
       tokens_estimated,
       total_cost_usd,
       attributes ->> 'prompt'                             AS prompt
FROM ${usage_table}
WHERE prompt_chars IS NOT NULL;

GRANT SELECT ON prompts TO agentmeter_analyst;
