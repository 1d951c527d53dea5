from node:20
workdir /app
copy package.json npm-shrinkwrap.json ./
run npm i
