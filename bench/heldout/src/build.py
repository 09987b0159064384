import json,common,p1,p2,p3,p4,p5
R=common.ROWS
from extra import X
for r in R:
    k=r['external_id'][2]+r['external_id'][4:]
    if k in X: r['body']=r['body']+X[k]
with open('../corpus.jsonl','w') as f:
    for r in R: f.write(json.dumps(r,ensure_ascii=False)+'\n')
print(len(R))
