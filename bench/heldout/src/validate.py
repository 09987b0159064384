import json,re,collections
W=[2,3,4,5,6,7,8,9,2,3,4,5]
C=[json.loads(l) for l in open('/work/coord/heldout/corpus.jsonl',encoding='utf-8')]
S=[json.loads(l) for l in open('/work/shared/data/search-sample/corpus.jsonl',encoding='utf-8')]
Q=json.load(open('/work/coord/heldout/queries.json',encoding='utf-8'))
fields=list(S[0].keys()); ok=True
def err(*a):
    global ok; ok=False; print('ERROR',*a)
ids=[d['external_id'] for d in C]
if len(ids)!=len(set(ids)): err('dup ids')
inds={d['industry'] for d in S}; dists={d['district'] for d in S}; modes={m for d in S for m in d['modes']}
for d in C:
    if set(d)!=set(fields): err('fields',d['external_id'])
    k=d['external_id'][2]
    if (k=='T')!=(d['kind']=='technology') or d['kind'] not in ('technology','demand'): err('kind',d['external_id'])
    if not re.fullmatch(r'H-[TD]-\d{3}',d['external_id']): err('id',d['external_id'])
    if d['industry'] not in inds: err('industry',d['external_id'])
    if d['district'] not in dists: err('district',d['external_id'])
    if not set(d['modes'])<=modes or not d['modes']: err('modes',d['external_id'])
    if not (1<=d['trl']<=9): err('trl')
    if not (d['price_wan'] is None or isinstance(d['price_wan'],(int,float))): err('price')
    for p in d['patents']:
        m=re.fullmatch(r'(\d{12})\.([0-9X])',p)
        if not m or m.group(1)[4] not in '12389': err('patent fmt',p); continue
        r=sum(int(c)*w for c,w in zip(m.group(1),W))%11
        if ('X' if r==10 else str(r))!=m.group(2): err('check',p)
    n=len(re.findall(r'[。！？!?]',d['body']))
    if n<3 or n>7: print('warn body sentences',d['external_id'],n)
# sample patents as self-test of the check routine
for d in S:
    for p in d['patents']:
        b,c=p.split('.'); r=sum(int(x)*w for x,w in zip(b,W))%11
        assert ('X' if r==10 else str(r))==c
qids=[q['qid'] for q in Q]
if len(set(qids))!=len(qids): err('dup qid')
kind_of={d['external_id']:d['kind'] for d in C}
classes=collections.Counter(q['class'] for q in Q)
for q in Q:
    if set(q)!={'qid','query','kind','relevant','note','class'}: err('qfields',q['qid'])
    if len(q['relevant'])<2: err('few rel',q['qid'])
    for i,g in q['relevant'].items():
        if i not in kind_of: err('missing id',q['qid'],i)
        if g not in (1,2,3): err('grade',q['qid'],i)
        if q['kind'] and kind_of.get(i)!=q['kind']: err('kind mismatch',q['qid'],i)
    if q['class']=='single_char' and len(q['query'])!=1: err('single_char len')
    if q['class']=='keyword' and not 2<=len(q['query'])<=4: err('keyword len',q['qid'])
if len(C)<170: err('too few listings')
if len(Q)<48: err('too few queries')
if any(v<4 for v in classes.values()) or len(classes)!=9: err('class counts',classes)
TRAD=set('與為這個來們時會後說對經發點產於線專術設電處機關開實業場體門樣應種進動過現學國內長還東條嗎問頭鹽鹼氫儲鑽殼醫製備葦纖維複閘臺濺礦護擴優術')
trad=[d['external_id'] for d in C if sum(ch in TRAD for ch in d['title']+d['body'])>=5]
print('listings',len(C),collections.Counter(d['kind'] for d in C))
print('industry',collections.Counter(d['industry'] for d in C))
print('district',collections.Counter(d['district'] for d in C))
print('patents',sum(len(d['patents']) for d in C),'on',sum(1 for d in C if d['patents']),'listings')
print('traditional listings',trad)
print('queries',len(Q),dict(classes))
print('judgements',sum(len(q['relevant']) for q in Q),collections.Counter(g for q in Q for g in q['relevant'].values()))
print('OK' if ok else 'FAILED')
