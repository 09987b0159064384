import json
W=[2,3,4,5,6,7,8,9,2,3,4,5]
def chk(base):
    assert len(base)==12 and base.isdigit()
    r=sum(int(c)*w for c,w in zip(base,W))%11
    return base+'.'+('X' if r==10 else str(r))
ROWS=[]
def L(i,title,summary,body,industry,kw,trl,modes,price,owner,district,pats=()):
    kind='technology' if i.startswith('T') else 'demand'
    ROWS.append({"external_id":"H-"+i[0]+"-"+i[1:],"kind":kind,"title":title,"summary":summary,"body":body,
      "industry":industry,"keywords":kw,"trl":trl,"modes":modes,"price_wan":price,"owner_name":owner,
      "district":district,"patents":[chk(p) for p in pats]})
