import json,sys,re
R=[json.loads(l) for l in open('/work/coord/heldout/corpus.jsonl')]
for pat in sys.argv[1:]:
    print('==',pat)
    for r in R:
        t=' '.join([r['title'],r['summary'],r['body'],' '.join(r['keywords'])])
        m=re.findall(pat,t)
        if m: print(' ',r['external_id'],len(m),r['title'][:40])
