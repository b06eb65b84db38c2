// enumerate connected vertex sets with weight in [L,U]; write bitsets (3 u64) + weight (u32)
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#define MAXN 192
#define W 3
int n, lo, hi, h[MAXN], deg[MAXN], nb[MAXN][16];
typedef struct { uint64_t b[W]; } bs;
static inline void set(bs*s,int i){s->b[i>>6]|=1ULL<<(i&63);}
static inline int has(const bs*s,int i){return (s->b[i>>6]>>(i&63))&1;}
long long cnt=0, nodes=0; int mind[MAXN]; unsigned char co[MAXN][MAXN]; int L, U; FILE*out;
bs nbhd[MAXN];
int root;
void ext(bs S, bs N, int *ex, int nex, int sum){
  nodes++;
  if(sum>=L && sum<=U){ cnt++; int mem[MAXN],k2=0; for(int j=0;j<n;j++) if(has(&S,j)) mem[k2++]=j; for(int a=0;a<k2;a++){ if(U-sum<mind[mem[a]]) mind[mem[a]]=U-sum; for(int b=0;b<k2;b++) co[mem[a]][mem[b]]=1; } if(out){fwrite(S.b,8,W,out); uint32_t s=sum; fwrite(&s,4,1,out);} }
  int loc[MAXN];
  memcpy(loc, ex, nex*sizeof(int));
  int m = nex;
  while(m>0){
    int w = loc[--m];
    if(sum + h[w] > U) continue;
    // new ext: loc[0..m) plus exclusive nbrs of w (> root, not in S, not in N)
    int ne[MAXN]; int k=m; memcpy(ne, loc, m*sizeof(int));
    bs S2=S; set(&S2,w);
    bs N2=N; for(int j=0;j<W;j++) N2.b[j]|=nbhd[w].b[j];
    for(int q=0;q<deg[w];q++){int u=nb[w][q]; if(u>root && !has(&S,u) && !has(&N,u)) ne[k++]=u;}
    ext(S2, N2, ne, k, sum+h[w]);
  }
}
int main(int argc,char**argv){
  FILE*f=fopen(argv[1],"r"); L=atoi(argv[2]); U=atoi(argv[3]); out = argc>4? fopen(argv[4],"wb"):NULL;
  fscanf(f,"%d %d %d",&n,&lo,&hi);
  for(int i=0;i<n;i++) fscanf(f,"%d",&h[i]);
  for(int i=0;i<n;i++){fscanf(f,"%d",&deg[i]); for(int q=0;q<deg[i];q++) fscanf(f,"%d",&nb[i][q]);}
  for(int i=0;i<n;i++){memset(&nbhd[i],0,sizeof(bs)); set(&nbhd[i],i); for(int q=0;q<deg[i];q++) set(&nbhd[i],nb[i][q]);}
  for(int i=0;i<n;i++) mind[i]=1<<20;
  for(root=0;root<n;root++){
    bs S; memset(&S,0,sizeof S); set(&S,root);
    bs N=nbhd[root];
    int ex[MAXN],k=0; for(int q=0;q<deg[root];q++) if(nb[root][q]>root) ex[k++]=nb[root][q];
    if(h[root]<=U) ext(S,N,ex,k,h[root]);
  }
  fprintf(stderr,"sets %lld nodes %lld\n",cnt,nodes); for(int j=0;j<n;j++){ printf("%d %d",j,mind[j]); for(int b=0;b<n;b++) if(b!=j && co[j][b]) printf(" %d",b); printf("\n"); }
  if(out) fclose(out);
}
