-- Neovim (0.7 and later) as a reviewer sets it up: dax-review lsp started with
-- vim.lsp.start_client, a patch mail opened and attached, its diagnostics received.
-- Driven by test/unit/lsp/neovim.test.ts, which reads the JSON this writes to DAX_LSP_OUT.
local node = os.getenv('DAX_LSP_NODE')
local cli = os.getenv('DAX_LSP_CLI')
local file = os.getenv('DAX_LSP_FILE')
local out = os.getenv('DAX_LSP_OUT')

local published = nil
local client_id = vim.lsp.start_client({
  name = 'dax-review',
  cmd = { node, cli, 'lsp', '--stdio' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      if result and #result.diagnostics > 0 then published = result end
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local attached = vim.lsp.buf_attach_client(buf, client_id)
local received = vim.wait(45000, function() return published ~= nil end, 50)

local result = {
  client = client_id ~= nil,
  attached = attached,
  received = received,
  published = {},
  shown = {},
  lenses = {},
  hover = '',
}
if published then
  for _, d in ipairs(published.diagnostics) do
    table.insert(result.published, {
      line = d.range.start.line, code = d.code or '', source = d.source or '', message = d.message,
      related = d.relatedInformation and #d.relatedInformation or 0,
    })
  end
  -- What Neovim keeps of them, as its own diagnostics on the buffer.
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.shown, { lnum = d.lnum, message = d.message, severity = d.severity })
  end
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) } }
  local lenses = vim.lsp.buf_request_sync(buf, 'textDocument/codeLens', params, 15000) or {}
  for _, r in pairs(lenses) do
    for _, l in ipairs(r.result or {}) do
      table.insert(result.lenses, { line = l.range.start.line, title = l.command and l.command.title or '' })
    end
  end
  local first = published.diagnostics[1]
  params.position = { line = first.range.start.line, character = 0 }
  local hovers = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 15000) or {}
  for _, r in pairs(hovers) do
    if r.result and r.result.contents then result.hover = r.result.contents.value or '' end
  end
end

local f = assert(io.open(out, 'w'))
f:write(vim.fn.json_encode(result))
f:close()
vim.lsp.stop_client(client_id)
vim.cmd('qa!')
