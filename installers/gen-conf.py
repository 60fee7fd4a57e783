#!/usr/bin/env python3
"""Writes a configuration file with every option of `tanvrit-compute serve` or `agent` commented out, from the
command's --help (so the file can never miss an option). Usage: gen-conf.py BINARY serve|agent OUTPUT"""
import re, subprocess, sys, textwrap

binary, command, output = sys.argv[1:4]
env = {'STATE_DIRECTORY': '/var/lib/tanvrit' if command == 'serve' else '/var/lib/tanvrit-agent', 'HOME': '/nonexistent'}
text = subprocess.run([binary, command, '--help'], capture_output=True, text=True, env=env, check=True).stdout
options, current = [], None
for line in text.splitlines():
    m = re.match(r'^  (?:-\w, )?--([a-z0-9-]+)(?: <([^>]+)>)?\s*(.*)$', line)
    if m:
        current = {'name': m.group(1), 'value': m.group(2), 'help': m.group(3).strip()}
        options.append(current)
    elif current and line.startswith('   ') and line.strip():
        current['help'] += ' ' + line.strip()
    elif not line.strip():
        current = None
what = {'serve': ('server', 'the control plane', 'tanvrit-server.service'),
        'agent': ('agent', 'an agent', 'tanvrit-agent.service')}[command]
out = [f'# /etc/tanvrit/{what[0]}.conf: the options of `tanvrit-compute {command}` ({what[1]}), read by {what[2]}.',
       '#', '# One "key = value" per line; keys are the command-line flags without "--". A flag on the command line',
       '# wins over the environment (TANVRIT_<KEY>, dashes as underscores), which wins over this file, which wins',
       '# over the default. Switches take true or false; a list goes on one line, separated by commas (quote a',
       '# value that contains a comma or a semicolon). An unknown key or a bad value stops the start with a',
       '# message naming this file, the line and the key.', '#',
       f'# Every option is commented out here: uncomment a line to set it. See man tanvrit-compute-{command}.', '']
for o in options:
    if o['name'] in ('help', 'help-all', 'config', 'version'):
        continue
    for l in textwrap.wrap(o['help'], 100):
        out.append('# ' + l)
    d = re.search(r'\(default: ([^)]*)\)\.?$', o['help'])
    value = d.group(1) if d and o['value'] and ' ' not in d.group(1) else ('' if o['value'] else 'false')
    out.append(f"#{o['name']} = {value}".rstrip())
    out.append('')
open(output, 'w').write('\n'.join(out))
