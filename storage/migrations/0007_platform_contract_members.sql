-- Which accounts each platform contract concerns: the creator (and the institution a 经办人 acted
-- for), every party with an account and every party's agent with one.  A party's list of contracts
-- (GET /mock/api/contracts) reads it through its primary key instead of decoding every contract's
-- parties.  Contracts made before this migration are filled in from their JSON parties.
CREATE TABLE platform_contract_members (
    account_id      TEXT NOT NULL,
    contract_id     TEXT NOT NULL REFERENCES platform_contracts (id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, contract_id)
) WITHOUT ROWID;
CREATE INDEX platform_contract_members_contract ON platform_contract_members (contract_id);

INSERT OR IGNORE INTO platform_contract_members (account_id, contract_id)
SELECT creator_account_id, id FROM platform_contracts
UNION
SELECT creator_acting_for, id FROM platform_contracts WHERE creator_acting_for IS NOT NULL
UNION
SELECT json_extract(p.value, '$.account_id'), c.id
  FROM platform_contracts AS c, json_each(c.parties) AS p
 WHERE json_extract(p.value, '$.account_id') IS NOT NULL
UNION
SELECT json_extract(p.value, '$.agent.account_id'), c.id
  FROM platform_contracts AS c, json_each(c.parties) AS p
 WHERE json_extract(p.value, '$.agent.account_id') IS NOT NULL;
