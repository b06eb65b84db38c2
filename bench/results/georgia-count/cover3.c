// DFS with per-level candidate lists sorted by deficit; partition into parts of [max(lo,U-slack),U], deficit total <= slack
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#define MAXN 192
#define W 3
typedef struct { uint64_t b[W]; } bs;
static inline void set(bs*s,int i){s->b[i>>6]|=1ULL<<(i&63);}
static inline int has(const bs*s,int i){return (s->b[i>>6]>>(i&63))&1;}
int n, lo, hi, h[MAXN], deg[MAXN], nb[MAXN][16], U, K, slack;
double key[MAXN], X[MAXN], Y[MAXN];
bs nbhd[MAXN];
long long nodes=0, limit, enumcap; unsigned long long rs;
static inline unsigned rnd(){ rs^=rs<<13; rs^=rs>>7; rs^=rs<<17; return (unsigned)(rs>>11);}
int part[MAXN], sol[MAXN], found=0, depth_best=0, width;
int need(bs cov){
  int seen[MAXN]; memset(seen,0,sizeof seen); int tot=0, st[MAXN];
  for(int i=0;i<n;i++) if(!has(&cov,i) && !seen[i]){
    int sp=0; st[sp++]=i; seen[i]=1; int c=0;
    while(sp){int v=st[--sp]; c+=h[v]; for(int q=0;q<deg[v];q++){int u=nb[v][q]; if(!has(&cov,u)&&!seen[u]){seen[u]=1; st[sp++]=u;}}}
    int m=(c+U-1)/U; int d=m*U-c; if(c<lo) d=1<<20; tot+=d;
  }
  return tot;
}
typedef struct { bs S; int def; double sc; } cand;
cand *buf; long long nbuf, cap; long long en;
bs gcov; int gbud;
void esu(bs S, bs N, int *ex, int nex, int sum){
  if(en++>enumcap) return;
  int lower = U-gbud; if(lower<lo) lower=lo;
  if(sum>=lower && sum<=U){
    bs c2=gcov; for(int j=0;j<W;j++) c2.b[j]|=S.b[j];
    int b2=gbud-(U-sum);
    if(need(c2)<=b2 && nbuf<cap){ buf[nbuf].S=S; buf[nbuf].def=U-sum; buf[nbuf].sc=(U-sum)+ (rnd()%1000)/1000.0*width; nbuf++; }
  }
  int loc[MAXN]; memcpy(loc,ex,nex*sizeof(int)); int m=nex;
  while(m>0){
    int w=loc[--m];
    if(sum+h[w]>U) continue;
    int ne[MAXN]; int k=m; memcpy(ne,loc,m*sizeof(int));
    bs S2=S; set(&S2,w); bs N2=N; for(int j=0;j<W;j++) N2.b[j]|=nbhd[w].b[j];
    for(int q=0;q<deg[w];q++){int u=nb[w][q]; if(!has(&gcov,u)&&!has(&S,u)&&!has(&N,u)) ne[k++]=u;}
    esu(S2,N2,ne,k,sum+h[w]);
  }
}
long long fcnt, fcap, fen, fencap;
void fesu(bs S, bs N, int *ex, int nex, int sum){
  if(fcnt>=fcap || fen++>fencap) return;
  int lower = U-gbud; if(lower<lo) lower=lo;
  if(sum>=lower && sum<=U){ fcnt++; }
  int loc[MAXN]; memcpy(loc,ex,nex*sizeof(int)); int m=nex;
  while(m>0){
    int w=loc[--m];
    if(sum+h[w]>U) continue;
    int ne[MAXN]; int k=m; memcpy(ne,loc,m*sizeof(int));
    bs S2=S; set(&S2,w); bs N2=N; for(int j=0;j<W;j++) N2.b[j]|=nbhd[w].b[j];
    for(int q=0;q<deg[w];q++){int u=nb[w][q]; if(!has(&gcov,u)&&!has(&S,u)&&!has(&N,u)) ne[k++]=u;}
    fesu(S2,N2,ne,k,sum+h[w]);
  }
}
// number of window sets holding u in the uncovered region (capped); -1 if unknown (enumeration capped)
long long count_u(bs cov, int budget, int u){
  gcov=cov; gbud=budget; fcnt=0; fen=0;
  bs S; memset(&S,0,sizeof S); set(&S,u);
  bs N=nbhd[u]; for(int j=0;j<W;j++) N.b[j]|=cov.b[j];
  int ex[MAXN],k=0; for(int q=0;q<deg[u];q++) if(!has(&cov,nb[u][q])) ex[k++]=nb[u][q];
  fesu(S,N,ex,k,h[u]);
  if(fcnt==0 && fen>fencap) return -1;
  return fcnt;
}
int fc_all=1;
int cmp(const void*a,const void*b){double x=((cand*)a)->sc,y=((cand*)b)->sc; return x<y?-1:x>y;}
int search(bs cov, int budget, int depth){
  if(found||nodes>limit) return 0;
  nodes++;
  if(depth>depth_best) depth_best=depth;
  int u=-1; double bk=1e18;
  for(int i=0;i<n;i++) if(!has(&cov,i)){
    int fr=0, d=0; for(int q=0;q<deg[i];q++) { if(!has(&cov,nb[i][q])) d++; else fr=1; }
    double kk;
    if(fc_all && (fr || depth==0)){
      long long c=count_u(cov,budget,i);
      if(c==0) return 0;          // this unit can no longer be covered
      kk = (c<0? fcap : c)*1e3 + key[i]*1e-9;
    } else kk = 1e15 + d*1e6 + key[i];
    if(kk<bk){bk=kk;u=i;}
  }
  if(u<0){ found=1; memcpy(sol,part,sizeof part); return 1; }
  gcov=cov; gbud=budget; nbuf=0; en=0;
  long long base=nbuf;
  bs S; memset(&S,0,sizeof S); set(&S,u);
  bs N=nbhd[u]; for(int j=0;j<W;j++) N.b[j]|=cov.b[j];
  int ex[MAXN],k=0; for(int q=0;q<deg[u];q++) if(!has(&cov,nb[u][q])) ex[k++]=nb[u][q];
  esu(S,N,ex,k,h[u]);
  long long m=nbuf; cand*loc=malloc(sizeof(cand)*(m?m:1)); memcpy(loc,buf,sizeof(cand)*m);
  qsort(loc,m,sizeof(cand),cmp);
  for(long long i=0;i<m && !found && nodes<=limit;i++){
    bs c2=cov; for(int j=0;j<W;j++) c2.b[j]|=loc[i].S.b[j];
    for(int v=0;v<n;v++) if(has(&loc[i].S,v)) part[v]=depth;
    if(search(c2,budget-loc[i].def,depth+1)) break;
  }
  free(loc);
  return found;
}
int main(int argc,char**argv){
  FILE*f=fopen(argv[1],"r"); K=atoi(argv[2]); limit=atoll(argv[3]); int restarts=atoi(argv[4]); rs=atoll(argv[5])*2654435761ULL+1;
  enumcap=argc>6?atoll(argv[6]):2000000; width=argc>7?atoi(argv[7]):5; fcap=argc>9?atoll(argv[9]):1000; fencap=argc>10?atoll(argv[10]):50000; int mode=argc>8?atoi(argv[8]):1;
  fscanf(f,"%d %d %d",&n,&lo,&hi);
  for(int i=0;i<n;i++) fscanf(f,"%d",&h[i]);
  for(int i=0;i<n;i++){fscanf(f,"%d",&deg[i]); for(int q=0;q<deg[i];q++) fscanf(f,"%d",&nb[i][q]);}
  {char fn[256]; snprintf(fn,256,"%.*s.xy",(int)(strlen(argv[1])-6),argv[1]); FILE*g=fopen(fn,"r"); for(int i=0;i<n;i++) fscanf(g,"%lf %lf",&X[i],&Y[i]); fclose(g);}
  for(int i=0;i<n;i++){memset(&nbhd[i],0,sizeof(bs)); set(&nbhd[i],i); for(int q=0;q<deg[i];q++) set(&nbhd[i],nb[i][q]);}
  int tot=0; for(int i=0;i<n;i++) tot+=h[i];
  U=hi; slack=K*U-tot;
  cap=4000000; buf=malloc(sizeof(cand)*cap);
  fprintf(stderr,"total %d K %d slack %d\n",tot,K,slack);
  for(int r=0;r<restarts && !found;r++){
    double th=(rnd()%10000)/10000.0*6.283185;
    for(int i=0;i<n;i++) key[i]= mode? (X[i]*cos(th)+Y[i]*sin(th)) : rnd()%1000;
    nodes=0; depth_best=0;
    bs cov; memset(&cov,0,sizeof cov);
    search(cov,slack,0);
    fprintf(stderr,"restart %d nodes %lld depth %d found %d\n",r,nodes,depth_best,found);
  }
  if(found){ for(int i=0;i<n;i++) printf("%d ",sol[i]); printf("\n"); }
}
